import type { HistoryEntry } from './audit-types';

// Evaluation offers the audit export only through the CLI (`npm run audit -- export`, which reads
// the stores directly and writes every stored event with its data). Over HTTP there is the history,
// so the screen turns that into the same two formats in the browser: JSON Lines (one history entry
// per line: envelope, summary and hashes, without the event's data, so it cannot be re-hashed
// offline; the CLI export can) and CSV with the CLI's columns plus the readable summary.

const CSV_COLUMNS = ['occurredAt', 'recordedAt', 'service', 'streamId', 'streamPosition', 'type', 'actorId', 'role', 'department', 'reason', 'eventId', 'hash', 'summary'] as const;

/** Quoted where a spreadsheet could misread it, and formulas defused, as the CLI does. */
function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function historyAsJsonLines(entries: readonly HistoryEntry[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : '');
}

export function historyAsCsv(entries: readonly HistoryEntry[]): string {
  const lines = [CSV_COLUMNS.join(','), ...entries.map((entry) => CSV_COLUMNS.map((column) => csvCell(entry[column])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function download(filename: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
