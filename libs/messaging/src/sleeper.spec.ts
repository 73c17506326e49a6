import { Sleeper } from './sleeper';

/** Whether the promise has settled once the microtasks queued so far have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
  return done;
}

describe('Sleeper', () => {
  it('wakes the sleeps under way and leaves later ones to sleep as asked', async () => {
    const sleeper = new Sleeper();
    const before = sleeper.sleep(600_000);
    sleeper.wakeAll();
    expect(await settled(before)).toBe(true);
    const after = sleeper.sleep(600_000);
    expect(await settled(after)).toBe(false);
    sleeper.wakeAll();
    expect(await settled(after)).toBe(true);
  });

  it('once stopped, ends a sleep begun later at once, until restarted', async () => {
    const sleeper = new Sleeper();
    const under = sleeper.sleep(600_000);
    sleeper.stop();
    expect(await settled(under)).toBe(true);
    // A loop that was in a statement when stop() came, and only now reaches its pause.
    expect(await settled(sleeper.sleep(600_000))).toBe(true);
    sleeper.restart();
    const again = sleeper.sleep(600_000);
    expect(await settled(again)).toBe(false);
    sleeper.wakeAll();
    expect(await settled(again)).toBe(true);
  });
});
