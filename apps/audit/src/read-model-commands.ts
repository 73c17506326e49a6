/**
 * The operators' read-model commands of the audit tool:
 *
 *   models                                          every read model, its topics and tables
 *   rebuild <model> [--into <database> | --in-place] [--database <live>]
 *   compare <model>|all [--against <database>] [--database <live>] [--keep]
 *
 * A rebuild replays the services' event stores (AUDIT_SOURCES) through the model's own handler
 * into a scratch database (`<live>_rebuild_<random>`, kept), a named one (--into), or, with the
 * service stopped, in place: rebuilt into a scratch database first, then swapped into the live
 * tables in one transaction. A comparison rebuilds into a scratch database (dropped afterwards
 * unless --keep) or takes an earlier rebuild (--against), and reports every row that differs.
 */
import {
  compareReadModel,
  createScratchDatabase,
  databaseNameOf,
  databaseUrl,
  DEFAULT_DATABASE_URL,
  openReadModelDatabase,
  openRebuildTarget,
  progressBar,
  type ReadModel,
  type ReadModelComparison,
  rebuildReadModel,
  type RebuildResult,
  replaceReadModel,
  type ScratchDatabase,
  type ServiceReadModels,
} from '@handoff/read-models';
import { auditSourceSpec, type AuditSource } from '@handoff/audit';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { FOLLOWUP_DATABASE } from '../../followup/src/read-models';
import { ROUTING_DATABASE } from '../../routing/src/read-models';
import { EVALUATION_DATABASE } from '../../evaluation/src/read-models';

/** Every service that keeps read models; intake keeps none. */
export const READ_MODEL_SERVICES: readonly ServiceReadModels[] = [ROUTING_DATABASE, FOLLOWUP_DATABASE, EVALUATION_DATABASE];

export class ReadModelUsageError extends Error {}

export interface ReadModelCommandContext {
  readonly env: NodeJS.ProcessEnv;
  /** Where the progress bar goes (stderr); nothing is drawn without it. */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly services: readonly ServiceReadModels[];
}

type Output = { write(text: string): void };

const option = (args: readonly string[], name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (!value || value.startsWith('--')) throw new ReadModelUsageError(`--${name} needs a value`);
  return value;
};

const grouped = (value: number): string => value.toLocaleString('en-US');

interface Located {
  readonly service: ServiceReadModels;
  readonly model: ReadModel;
}

function locate(services: readonly ServiceReadModels[], name: string | undefined): Located {
  for (const service of services) {
    const model = service.models.find((candidate) => candidate.name === name);
    if (model) return { service, model };
  }
  const known = services.flatMap((service) => service.models.map((model) => model.name)).join(', ');
  throw new ReadModelUsageError(name ? `no read model ${name}; there are: ${known}` : `name a read model: ${known}`);
}

/**
 * The live database of a service's read models: its entry in AUDIT_SOURCES when that is a
 * PostgreSQL store (the service keeps both in its own database), else `handoff_<service>` on
 * DATABASE_URL. `--database` names another database on that server, or gives a whole URL.
 */
export function liveDatabaseUrl(service: string, env: NodeJS.ProcessEnv, override?: string): string {
  if (override?.includes('://')) return override;
  const source = auditSourceSpec(env).find((entry) => entry.service === service);
  const url = source && /^postgres(ql)?:\/\//.test(source.url) ? source.url : databaseUrl(env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `handoff_${service}`);
  return override ? databaseUrl(url, override) : url;
}

/**
 * Members of the consumer group that applies the model live: its service's (`handoff-<service>`
 * under KAFKA_TOPIC_PREFIX, see ConsumersLifecycle; named here, not imported, to keep the CLI
 * from loading Nest).
 */
async function kafkaConsumersOf(service: ServiceReadModels, env: NodeJS.ProcessEnv): Promise<number> {
  const kafka = new Kafka({
    clientId: 'handoff-audit',
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([`${env.KAFKA_TOPIC_PREFIX ?? ''}handoff-${service.service}`]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

async function rebuildWithProgress(model: ReadModel, sources: readonly AuditSource[], dataSource: DataSource, context: ReadModelCommandContext): Promise<RebuildResult> {
  const bar = context.progress ? progressBar(context.progress, model.name) : undefined;
  try {
    return await rebuildReadModel({ model, sources, dataSource, onProgress: bar ? (progress) => bar.update(progress) : undefined });
  } finally {
    bar?.finish();
  }
}

function describeRebuild(result: RebuildResult, into: string): string {
  const seconds = result.elapsedMs / 1000;
  const lines = [
    `${result.model}: rebuilt into ${into} from ${grouped(result.events)} events in ${seconds.toFixed(1)} s (${grouped(Math.round(result.events / Math.max(seconds, 0.001)))} events/s): ${grouped(result.applied)} applied, ${grouped(result.ignored)} not for this model, ${result.skipped.length} left out`,
  ];
  // What the live consumer would have sent to the dead-letter topic.
  for (const skipped of result.skipped) lines.push(`  left out ${skipped.type} ${skipped.eventId} (${skipped.streamId}@${skipped.streamPosition}): ${skipped.reason}`);
  return lines.join('\n') + '\n';
}

const show = (value: unknown): string => (value === undefined ? '(no column)' : JSON.stringify(value));

/** How `models` and `compare` name a counted table's rows at zero, which a rebuild does not write. */
const rowsAtZero = (table: string): string => `${table} rows at zero`;

export function describeComparison(comparison: ReadModelComparison, liveName: string, rebuiltName: string): string {
  const lines: string[] = [];
  for (const table of comparison.tables) {
    const counts = [
      table.missing && `${grouped(table.missing)} missing`,
      table.extra && `${grouped(table.extra)} extra`,
      table.differing && `${grouped(table.differing)} differing`,
    ].filter(Boolean);
    lines.push(`  ${table.table.padEnd(26)} ${grouped(table.liveRows).padStart(9)} live  ${grouped(table.rebuiltRows).padStart(9)} rebuilt  ${counts.length ? counts.join(', ') : 'equal'}`);
  }
  for (const difference of comparison.differences) {
    const key = Object.entries(difference.key).map(([column, value]) => `${column}=${value}`).join(' ');
    if (difference.kind === 'missing') lines.push(`  missing   ${difference.table} ${key}: rebuilt from the events, not in the live model`);
    else if (difference.kind === 'extra') lines.push(`  extra     ${difference.table} ${key}: in the live model, not produced by the events`);
    else {
      lines.push(`  differs   ${difference.table} ${key}:`);
      for (const column of difference.columns ?? []) lines.push(`              ${column.column}: live ${show(column.live)}, rebuilt ${show(column.rebuilt)}`);
    }
  }
  const total = comparison.tables.reduce((sum, table) => sum + table.missing + table.extra + table.differing, 0);
  if (total > comparison.differences.length) lines.push(`  … and ${grouped(total - comparison.differences.length)} more`);
  const notCompared = [...comparison.ignoredTables, ...comparison.ignoredColumns, ...comparison.zeroRowsIgnored.map(rowsAtZero)];
  const ignored = notCompared.length > 0 ? ` (not compared: ${notCompared.join(', ')})` : '';
  lines.push(
    comparison.equal
      ? `${comparison.model}: the live model (${liveName}) equals the rebuild (${rebuiltName})${ignored}`
      : `${comparison.model}: ${grouped(total)} row(s) differ between the live model (${liveName}) and the rebuild (${rebuiltName})${ignored}`,
  );
  return lines.join('\n') + '\n';
}

export async function runReadModelCommand(args: readonly string[], sources: readonly AuditSource[], out: Output, context: ReadModelCommandContext): Promise<number> {
  const [command, subject] = args;
  switch (command) {
    case 'models': {
      for (const service of context.services) {
        for (const model of service.models) {
          const atZero = Object.keys(model.countedTables ?? {}).map(rowsAtZero);
          const notCompared = [...(model.volatileTables ?? []), ...(model.volatileColumns ?? []), ...atZero];
          const volatile = notCompared.length > 0 ? `  (not compared: ${notCompared.join(', ')})` : '';
          out.write(`${model.name.padEnd(28)} from ${model.topics.join(', ').padEnd(46)} tables ${model.tables.join(', ')}${volatile}\n`);
        }
      }
      return 0;
    }
    case 'rebuild':
      return rebuild(locate(context.services, subject), args, sources, out, context);
    case 'compare': {
      if (subject === 'all') {
        if (option(args, 'against') || option(args, 'database')) throw new ReadModelUsageError('compare all takes neither --against nor --database: name one model for those');
        let exit = 0;
        for (const service of context.services) {
          for (const model of service.models) exit = Math.max(exit, await compare({ service, model }, args, sources, out, context));
        }
        return exit;
      }
      return compare(locate(context.services, subject), args, sources, out, context);
    }
    default:
      throw new ReadModelUsageError(`not a read-model command: ${command}`);
  }
}

async function rebuild({ service, model }: Located, args: readonly string[], sources: readonly AuditSource[], out: Output, context: ReadModelCommandContext): Promise<number> {
  const liveUrl = liveDatabaseUrl(service.service, context.env, option(args, 'database'));
  const into = option(args, 'into');
  const inPlace = args.includes('--in-place');
  if (into && inPlace) throw new ReadModelUsageError('rebuild takes --into <database> or --in-place, not both');
  if (into && databaseNameOf(databaseUrl(liveUrl, into)) === databaseNameOf(liveUrl)) {
    throw new ReadModelUsageError(`${into} is the live database of ${service.service}: use --in-place (with the service stopped)`);
  }

  if (inPlace) {
    const consumers = await kafkaConsumersOf(service, context.env).catch((error: unknown) => {
      throw new Error(`cannot tell whether ${service.service} is stopped (${error instanceof Error ? error.message : String(error)}); an in-place rebuild needs it stopped`);
    });
    if (consumers > 0) {
      out.write(`${model.name} is being consumed live (${consumers} consumer(s)): stop ${service.service} first; an in-place rebuild needs the service stopped\n`);
      return 1;
    }
  }

  const target: ScratchDatabase = into ? await openRebuildTarget(databaseUrl(liveUrl, into), service) : await createScratchDatabase(liveUrl, service);
  // A named database is never dropped; a scratch one is kept only when it holds something to look at.
  let keep = into !== undefined;
  try {
    const result = await rebuildWithProgress(model, sources, target.dataSource, context);
    out.write(describeRebuild(result, target.name));
    if (!inPlace) {
      keep = true;
      if (!into) out.write(`the rebuild stays in ${target.name}: compare it with \`compare ${model.name} --against ${target.name}\`; drop it when done\n`);
      return 0;
    }
    const live = await openReadModelDatabase(liveUrl, service, { migrate: false });
    try {
      const replaced = await replaceReadModel({ model, from: target.dataSource, into: live });
      out.write(`${model.name}: replaced in ${databaseNameOf(liveUrl)}: ${grouped(replaced.rows)} rows, ${grouped(replaced.marks)} processed-event marks; start ${service.service} again\n`);
      return 0;
    } catch (error) {
      // The swap is one transaction: the live model is as it was. The rebuild stays to look at.
      keep = true;
      out.write(`${model.name}: the live model was left as it was; the rebuild stays in ${target.name}\n`);
      throw error;
    } finally {
      await live.destroy();
    }
  } finally {
    await (keep ? target.close() : target.drop());
  }
}

async function compare({ service, model }: Located, args: readonly string[], sources: readonly AuditSource[], out: Output, context: ReadModelCommandContext): Promise<number> {
  const liveUrl = liveDatabaseUrl(service.service, context.env, option(args, 'database'));
  const against = option(args, 'against');
  const live = await openReadModelDatabase(liveUrl, service, { migrate: false });
  let rebuilt: ScratchDatabase | undefined;
  try {
    let rebuiltData: DataSource;
    let rebuiltName: string;
    if (against) {
      rebuiltData = await openReadModelDatabase(databaseUrl(liveUrl, against), service, { migrate: false });
      rebuiltName = against;
    } else {
      rebuilt = await createScratchDatabase(liveUrl, service);
      out.write(describeRebuild(await rebuildWithProgress(model, sources, rebuilt.dataSource, context), rebuilt.name));
      rebuiltData = rebuilt.dataSource;
      rebuiltName = rebuilt.name;
    }
    try {
      const comparison = await compareReadModel({ model, live, rebuilt: rebuiltData });
      out.write(describeComparison(comparison, databaseNameOf(liveUrl), rebuiltName));
      return comparison.equal ? 0 : 1;
    } finally {
      if (against) await rebuiltData.destroy();
    }
  } finally {
    await live.destroy();
    if (rebuilt) await (args.includes('--keep') ? rebuilt.close() : rebuilt.drop());
  }
}
