/**
 * Sleeps that `wakeAll()` cuts short, so stop() does not wait out a long backoff. Once stopped,
 * a sleep begun later returns at once too: a stop that lands while the loop is in a statement
 * would otherwise find no sleeper to wake, and the loop would then enter its pause (a relay's
 * idle delay, the pruner's hour) with stop() waiting for it.
 */
export class Sleeper {
  private readonly pending = new Set<() => void>();
  private stopped = false;

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending.add(done);
    });
  }

  /** Ends the sleeps under way; later ones sleep as asked (an announcement that work has arrived). */
  wakeAll(): void {
    for (const done of [...this.pending]) done();
  }

  /** Ends the sleeps under way and every later one, until `restart()`. */
  stop(): void {
    this.stopped = true;
    this.wakeAll();
  }

  restart(): void {
    this.stopped = false;
  }
}
