import type { RebuildProgress } from './rebuild';

const WIDTH = 30;

const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');

/** `[#########.....]  45,120 / 100,000 events  12,345 events/s` */
export function formatProgress(label: string, progress: RebuildProgress): string {
  const fraction = progress.total === 0 ? 1 : Math.min(1, progress.done / progress.total);
  const filled = Math.round(fraction * WIDTH);
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.done / seconds : 0;
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${grouped(progress.done)} / ${grouped(progress.total)} events  ${grouped(rate)} events/s`;
}

/**
 * A progress bar on a terminal (redrawn in place, at most every 100 ms), or a line every few
 * seconds when the output is a file or a pipe.
 */
export function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string) {
  let lastDrawn = 0;
  let last: RebuildProgress | undefined;
  const interactive = stream.isTTY === true;
  const draw = (final: boolean) => {
    if (!last) return;
    // On a terminal: back to the line's start, redraw, clear what a longer line left.
    stream.write(interactive ? `\r${formatProgress(label, last)}\x1b[K${final ? '\n' : ''}` : `${formatProgress(label, last)}\n`);
  };
  return {
    update(progress: RebuildProgress): void {
      last = progress;
      const now = Date.now();
      if (now - lastDrawn >= (interactive ? 100 : 5_000)) {
        lastDrawn = now;
        draw(false);
      }
    },
    finish(): void {
      draw(true);
    },
  };
}
