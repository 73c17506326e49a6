import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One measured figure, and what it is compared with. */
export interface Figure {
  /** Which part of the system: pipeline, event store, relay, ... */
  readonly section: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Higher is better for rates, lower for latencies and memory. */
  readonly better: 'higher' | 'lower';
  /** The name of the baseline figure this one is compared with (same section list). */
  readonly baseline?: string;
  /** What the issue asks of it, e.g. `>= 2000` or `ratio >= 0.5`. */
  readonly target?: Target;
  /** Counts and settings that make the figure reproducible. */
  readonly details?: Record<string, number | string | boolean>;
}

export type Target =
  | { readonly kind: 'value'; readonly atLeast?: number; readonly atMost?: number }
  | { readonly kind: 'ratio'; readonly atLeast?: number; readonly atMost?: number };

export interface RatedFigure extends Figure {
  readonly baselineValue?: number;
  readonly ratio?: number;
  readonly met?: boolean;
}

export class Report {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];
  readonly startedAt = new Date();

  add(figure: Figure): Figure {
    this.figures.push(figure);
    process.stdout.write(`  ${figure.section} / ${figure.name}: ${format(figure.value)} ${figure.unit}\n`);
    return figure;
  }

  note(text: string): void {
    this.notes.push(text);
    process.stdout.write(`  note: ${text}\n`);
  }

  rated(): RatedFigure[] {
    const byName = new Map(this.figures.map((figure) => [figure.name, figure]));
    return this.figures.map((figure) => {
      const base = figure.baseline ? byName.get(figure.baseline) : undefined;
      const ratio = base && base.value > 0 ? figure.value / base.value : undefined;
      let met: boolean | undefined;
      if (figure.target?.kind === 'ratio') {
        const { atLeast, atMost } = figure.target;
        met = ratio === undefined ? undefined : (atLeast === undefined || ratio >= atLeast) && (atMost === undefined || ratio <= atMost);
      }
      if (figure.target?.kind === 'value') {
        met = (figure.target.atLeast === undefined || figure.value >= figure.target.atLeast) && (figure.target.atMost === undefined || figure.value <= figure.target.atMost);
      }
      return { ...figure, ...(base ? { baselineValue: base.value, ratio } : {}), ...(met === undefined ? {} : { met }) };
    });
  }

  /** What the baseline column says of a figure that has none: it is one, or it is context only. */
  private ownRole(figure: Figure): string {
    return this.figures.some((other) => other.baseline === figure.name) ? '(baseline)' : '(context)';
  }

  table(): string {
    const rows = this.rated().map((figure) => [
      figure.section,
      figure.name,
      `${format(figure.value)} ${figure.unit}`,
      figure.baseline ? `${figure.baseline} (${figure.baselineValue === undefined ? 'not run' : format(figure.baselineValue)})` : this.ownRole(figure),
      figure.ratio === undefined ? '' : `${figure.ratio.toFixed(2)}×`,
      targetText(figure),
    ]);
    const header = ['section', 'figure', 'value', 'baseline', 'ratio', 'target'];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
    const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
    return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
  }

  markdown(): string {
    const rows = this.rated().map(
      (figure) =>
        `| ${figure.section} | ${figure.name} | ${format(figure.value)} ${figure.unit} | ${figure.baseline ? `${figure.baseline}: ${figure.baselineValue === undefined ? 'not run' : format(figure.baselineValue)}` : this.ownRole(figure)} | ${figure.ratio === undefined ? '' : `${figure.ratio.toFixed(2)}×`} | ${targetText(figure)} |`,
    );
    return ['| section | figure | value | baseline | ratio | target |', '|---|---|---|---|---|---|', ...rows].join('\n');
  }

  write(directory: string, extra: Record<string, unknown>): string {
    fs.mkdirSync(directory, { recursive: true });
    const finishedAt = new Date();
    const json = {
      command: 'npm run bench',
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: Math.round((finishedAt.getTime() - this.startedAt.getTime()) / 100) / 10,
      machine: machine(),
      ...extra,
      figures: this.rated(),
      notes: this.notes,
    };
    const text = `${JSON.stringify(json, null, 2)}\n`;
    const stamped = path.join(directory, `${this.startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(stamped, text);
    fs.writeFileSync(path.join(directory, 'latest.json'), text);
    return stamped;
  }
}

function targetText(figure: RatedFigure): string {
  if (!figure.target) return '';
  const verdict = figure.met === undefined ? '' : figure.met ? ' met' : ' MISSED';
  if (figure.target.kind === 'ratio') {
    const bounds = [figure.target.atLeast === undefined ? undefined : `>= ${figure.target.atLeast}`, figure.target.atMost === undefined ? undefined : `<= ${figure.target.atMost}`];
    return `ratio ${bounds.filter(Boolean).join(' and ')}${verdict}`;
  }
  const parts = [
    figure.target.atLeast === undefined ? undefined : `>= ${format(figure.target.atLeast)}`,
    figure.target.atMost === undefined ? undefined : `<= ${format(figure.target.atMost)}`,
  ].filter(Boolean);
  return `${parts.join(' and ')}${verdict}`;
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Runs `work` and returns its result with the elapsed seconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * For a step that may run for many minutes (the scale section at a million tickets): told how far
 * it has come, prints how far, how fast and about how long is left, once a minute at the most, so a
 * long run says it is alive. A step shorter than a minute prints nothing.
 */
export function progressLine(what: string, total: number, unit: string, everyMs = 60_000): (done: number) => void {
  const started = Date.now();
  let shown = started;
  return (done) => {
    const now = Date.now();
    if (now - shown < everyMs) return;
    shown = now;
    const rate = done / ((now - started) / 1000);
    const seconds = rate > 0 ? Math.max(0, total - done) / rate : Infinity;
    const left = seconds === Infinity ? 'no estimate yet' : seconds < 60 ? 'under a minute left' : `about ${Math.round(seconds / 60)} min left`;
    process.stdout.write(`  ${what}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${unit} (${format(rate)} ${unit}/s, ${left})\n`);
  };
}

/** Runs `count` tasks with at most `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
