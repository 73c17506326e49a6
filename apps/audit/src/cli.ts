/**
 * The auditors' and operators' tool: `npm run audit -- <command>`. It reads the services' event
 * stores directly (AUDIT_SOURCES), never a read model, so what it prints is the record itself.
 *
 *   history <ticketId>                  every event of the ticket, readable, in the one stable order
 *   ledger <ticketId>                   who held the ticket, from when to when, and bounces
 *   state <ticketId> --as-of <instant>  the ticket as it stood then, with the deadlines running then
 *   verify [<ticketId>]                 recompute the hash chains (of one ticket, or of every stream)
 *   export (--ticket <id> | --from <instant> --to <instant> | --all) [--format jsonl|csv] [--out <file>]
 *
 * And for operators, the read models (see read-model-commands.ts), rebuilt from the same stores:
 *
 *   models                                               every read model, its topics and tables
 *   rebuild <model> [--into <database> | --in-place]     replay the stores through the model's handler
 *   compare <model>|all [--against <database>] [--keep]  rebuild, then report every row the live model has otherwise
 *   (each with [--database <live database>]; progress on stderr)
 */
import { createWriteStream } from 'node:fs';
import { readAllEvents } from '@handoff/read-models';
import {
  CSV_HEADER,
  handoffLedger,
  orderHistory,
  readTicketHistory,
  stateAsOf,
  summarise,
  toCsvRow,
  toJsonLine,
  auditSourceSpec,
  closeAuditSources,
  openAuditSources,
  verifyEverything,
  verifyTicket,
  type AuditSource,
  type HistoryEntry,
  type StreamVerification,
} from '@handoff/audit';
import type { RecordedEvent } from '@handoff/contracts';
import { READ_MODEL_SERVICES, ReadModelUsageError, runReadModelCommand, type ReadModelCommandContext } from './read-model-commands';

type Output = { write(text: string): void };

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

function instant(text: string | undefined, name: string): Date {
  const value = text ? new Date(text) : undefined;
  if (!value || Number.isNaN(value.getTime())) throw new UsageError(`--${name} needs an ISO 8601 instant`);
  return value;
}

class UsageError extends Error {}

const describeBreak = (result: StreamVerification): string => {
  const broken = result.firstBreak!;
  switch (broken.kind) {
    case 'content_changed':
      return `event at position ${broken.streamPosition} (${broken.eventId}) was changed after it was recorded`;
    case 'link_broken':
      return `the link to position ${broken.streamPosition} (${broken.eventId}) is broken: an event before it was changed, removed or inserted`;
    case 'position_gap':
      return `position ${broken.expectedPosition} is missing (found ${broken.foundPosition} there): an event was removed`;
    case 'head_mismatch':
      return `the stream ends before its recorded head: its last event(s) were removed`;
  }
};

export function formatEntry(entry: HistoryEntry): string {
  const who = `${entry.metadata.actorId} (${entry.metadata.role}${entry.metadata.department ? `, ${entry.metadata.department}` : ''})`;
  const why = entry.metadata.reason ? ` — why: ${entry.metadata.reason}` : '';
  return `${entry.metadata.occurredAt}  [${entry.service.padEnd(10)}] ${entry.type.padEnd(30)} ${summarise(entry)}  — by ${who}${why}`;
}

export async function runAudit(
  args: readonly string[],
  sources: readonly AuditSource[],
  out: Output,
  context: Partial<ReadModelCommandContext> = {},
): Promise<number> {
  const [command, subject] = args;
  switch (command) {
    case 'models':
    case 'rebuild':
    case 'compare':
      try {
        return await runReadModelCommand(args, sources, out, { env: process.env, services: READ_MODEL_SERVICES, ...context });
      } catch (error) {
        throw error instanceof ReadModelUsageError ? new UsageError(error.message) : error;
      }
    case 'history': {
      if (!subject) throw new UsageError('history <ticketId>');
      const history = await readTicketHistory(sources, subject);
      if (history.length === 0) return out.write(`no events for ticket ${subject}\n`), 1;
      for (const entry of history) out.write(formatEntry(entry) + '\n');
      out.write(`${history.length} events\n`);
      return 0;
    }
    case 'ledger': {
      if (!subject) throw new UsageError('ledger <ticketId>');
      const ledger = handoffLedger(await readTicketHistory(sources, subject));
      for (const holding of ledger.holdings) {
        const holder = holding.holder;
        const name =
          holder.kind === 'cs' ? `CS (${holder.stage.replace('_', ' ')})` : holder.kind === 'department' ? `department ${holder.department}` : holder.kind === 'handler' ? `handler ${holder.handlerId} (${holder.department})` : 'management';
        out.write(`${holding.from} → ${holding.to ?? 'now'}  ${name.padEnd(36)} ${holding.minutes === null ? 'still holding' : `${holding.minutes} min`}\n`);
      }
      for (const bounce of ledger.bounces) out.write(`bounced back to ${bounce.department} at ${bounce.at}\n`);
      for (const involved of ledger.managementInvolved) out.write(`management involved at ${involved.at}: ${involved.reason}\n`);
      return 0;
    }
    case 'state': {
      if (!subject) throw new UsageError('state <ticketId> --as-of <instant>');
      out.write(JSON.stringify(stateAsOf(await readTicketHistory(sources, subject), instant(option(args, 'as-of'), 'as-of')), null, 2) + '\n');
      return 0;
    }
    case 'verify': {
      if (subject && !subject.startsWith('--')) {
        const result = await verifyTicket(sources, subject);
        for (const stream of result.streams) out.write(`${stream.ok ? 'ok    ' : 'BROKEN'} ${stream.streamId} (${stream.eventsChecked} events checked)${stream.ok ? '' : `: ${describeBreak(stream)}`}\n`);
        out.write(result.ok ? `ticket ${subject}: every chain verifies\n` : `ticket ${subject}: TAMPERED\n`);
        return result.ok ? 0 : 1;
      }
      let done = 0;
      const result = await verifyEverything(sources, (stream) => {
        done++;
        if (!stream.ok) out.write(`BROKEN ${stream.streamId}: ${describeBreak(stream)}\n`);
        else if (done % 500 === 0) out.write(`… ${done} streams verified\n`);
      });
      out.write(result.ok ? `all ${result.streams} streams verify\n` : `${result.broken.length} of ${result.streams} streams are TAMPERED\n`);
      return result.ok ? 0 : 1;
    }
    case 'export': {
      const format = option(args, 'format') ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format is jsonl or csv');
      const ticket = option(args, 'ticket');
      let events: RecordedEvent[];
      if (ticket) events = await readTicketHistory(sources, ticket);
      else if (args.includes('--all') || option(args, 'from')) {
        const from = args.includes('--all') ? new Date(0) : instant(option(args, 'from'), 'from');
        const to = args.includes('--all') ? new Date(8.64e15) : instant(option(args, 'to'), 'to');
        events = [];
        for (const source of sources) {
          for await (const event of readAllEvents(source)) {
            const recorded = Date.parse(event.metadata.recordedAt);
            if (recorded >= from.getTime() && recorded < to.getTime()) events.push({ ...event, service: source.service } as HistoryEntry);
          }
        }
        events = orderHistory(events);
      } else throw new UsageError('export needs --ticket <id>, --from <instant> --to <instant>, or --all');
      const file = option(args, 'out');
      const target: Output = file ? createWriteStream(file) : out;
      if (format === 'csv') target.write(CSV_HEADER + '\n');
      for (const event of events) target.write((format === 'csv' ? toCsvRow(event) : toJsonLine(event)) + '\n');
      if (file) await new Promise((resolve) => (target as ReturnType<typeof createWriteStream>).end(resolve));
      process.stderr.write(`exported ${events.length} events${file ? ` to ${file}` : ''}\n`);
      return 0;
    }
    default:
      throw new UsageError('commands: history, ledger, state, verify, export, models, rebuild, compare');
  }
}

if (require.main === module) {
  (async () => {
    const sources = await openAuditSources(auditSourceSpec());
    try {
      process.exitCode = await runAudit(process.argv.slice(2), sources, process.stdout, { progress: process.stderr });
    } catch (error) {
      process.stderr.write(`${error instanceof UsageError ? 'usage: audit ' : ''}${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    } finally {
      await closeAuditSources(sources);
    }
  })();
}
