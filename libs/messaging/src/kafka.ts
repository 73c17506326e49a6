import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';
import { applyKafkajsIdleFix } from './kafkajs-idle-fix';
import { atLeast, jsonLineLogger, type LogFields, type LogLevel, type LogValue, type StructuredLogger } from './logging';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Lowest kafkajs level that reaches the log (default `warn`: its info lines are join/leave chatter). */
  readonly logLevel?: LogLevel;
  readonly logger?: StructuredLogger;
}

const KAFKAJS_LEVEL: Record<LogLevel, KafkaLogLevel> = {
  debug: KafkaLogLevel.DEBUG,
  info: KafkaLogLevel.INFO,
  warn: KafkaLogLevel.WARN,
  error: KafkaLogLevel.ERROR,
};

/**
 * Only scalar fields kafkajs is known to attach. Anything else (request payloads at debug
 * level, buffers) stays out, because a payload is an event and an event may carry contact details.
 */
const KAFKAJS_FIELDS = [
  'broker',
  'clientId',
  'groupId',
  'memberId',
  'generationId',
  'topic',
  'partition',
  'offset',
  'error',
  'retryCount',
  'retryTime',
  'correlationId',
  'apiName',
  'apiKey',
  'size',
  'type',
  'code',
] as const;

export function kafkaLogCreator(logger: StructuredLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const fields: Record<string, LogValue> = { logger: 'kafkajs', namespace };
      for (const key of KAFKAJS_FIELDS) {
        const value: unknown = log[key];
        if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value as LogValue;
      }
      logger.log(levelOf(level, log, namespace), log.message, fields as LogFields);
    };
}

/**
 * kafkajs reports at ERROR every failed attempt it is about to retry by itself (the first
 * group join on a fresh broker always logs "The group coordinator is not available").
 * Those lines carry `retryCount`; they are warnings until kafkajs gives up, which it then
 * reports again without one.
 */
function levelOf(level: KafkaLogLevel, log: LogEntry['log'], namespace: string): LogLevel {
  // A broker that is away fails every connection attempt, each logged twice by kafkajs; whoever
  // waits for the broker (UntilStarted, readiness, the relay) says so once, so these are detail.
  if ((namespace === 'Connection' || namespace === 'BrokerPool') && /ECONNREFUSED|Failed to connect to seed broker|Connection timeout/.test(String(log.message))) return 'debug';
  // Every answer with an error code is logged at ERROR by the connection, before the client
  // deals with it. With several instances in a group, these are routine: a rebalance when any
  // instance joins or leaves (the consumer rejoins by itself), and topic metadata not yet on the
  // broker just after another instance created the topic (asked again).
  if (namespace === 'Connection' && String(log.message).startsWith('Response ')) {
    if (log.error === 'The group is rebalancing, so a rejoin is needed') return 'info';
    if (log.error === 'This server does not host this topic-partition') return 'warn';
  }
  switch (level) {
    case KafkaLogLevel.ERROR:
      // Services create every topic at start; the losers of that race get "already exists", which ensureTopics accepts.
      if (log.error === 'Topic creation errors') return 'debug';
      return typeof log.retryCount === 'number' && typeof log.retryTime === 'number' ? 'warn' : 'error';
    case KafkaLogLevel.WARN:
      return 'warn';
    case KafkaLogLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

export function createKafka(options: KafkaOptions): Kafka {
  if (options.brokers.length === 0) throw new Error('createKafka: at least one broker is required');
  applyKafkajsIdleFix();
  const minLevel = options.logLevel ?? 'warn';
  const logger = options.logger ?? jsonLineLogger({ minLevel });
  // Filtered after re-levelling, so an error kafkajs is retrying (now a warning) obeys minLevel too.
  const filtered: StructuredLogger = {
    log: (level, message, fields) => {
      if (atLeast(level, minLevel)) logger.log(level, message, fields);
    },
  };
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: KAFKAJS_LEVEL[minLevel],
    logCreator: kafkaLogCreator(filtered),
  });
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
}

/** A topic this component creates if missing (a spec), or one that some other start-up step creates (a name). */
export type TopicRef = string | TopicSpec;

export const topicName = (ref: TopicRef): string => (typeof ref === 'string' ? ref : ref.topic);

const LEADER_WAIT_MS = 15_000;

/**
 * Creates missing topics and waits until every partition of every listed topic has a
 * leader. The broker has auto-creation off, and kafkajs cannot subscribe to a topic that
 * does not exist yet. Several services race to create shared topics at start-up, so
 * "already exists" is success.
 *
 * An existing topic with fewer partitions than asked is only reported: adding partitions
 * moves keys to other partitions and would break per-ticket order for events in flight.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  logger: StructuredLogger = jsonLineLogger(),
): Promise<void> {
  await prepareTopics(kafka, topics, logger);
}

/**
 * ensureTopics for the specs among `topics`; a plain name is only waited for (up to 15 s,
 * as another service may be creating it right now). Resolves with each topic's partition count.
 */
export async function prepareTopics(
  kafka: Kafka,
  topics: readonly TopicRef[],
  logger: StructuredLogger = jsonLineLogger(),
): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const specs = topics.filter((ref): ref is TopicSpec => typeof ref !== 'string');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map(({ topic, numPartitions }) => ({ topic, numPartitions })),
        });
      } catch (error) {
        if (!onlyAlreadyExists(error)) throw error;
      }
    }
    const partitions = await waitForLeaders(admin, [...new Set(topics.map(topicName))]);
    for (const spec of specs) {
      const found = partitions.get(spec.topic) ?? 0;
      if (found < spec.numPartitions) {
        logger.log('warn', 'topic has fewer partitions than configured', {
          topic: spec.topic,
          partitions: found,
          configured: spec.numPartitions,
        });
      }
    }
    return partitions;
  } finally {
    await admin.disconnect();
  }
}

function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: unknown }).errors;
  const all = Array.isArray(errors) ? errors : [error];
  return all.every((item) => (item as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS');
}

async function waitForLeaders(admin: ReturnType<Kafka['admin']>, topics: readonly string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready = metadata.topics.every(
        (found) => found.partitions.length > 0 && found.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return new Map(metadata.topics.map(({ name, partitions }) => [name, partitions.length]));
    } catch (error) {
      // A topic another process has just created (or is about to) is unknown to the metadata for a moment.
      if ((error as { retriable?: unknown }).retriable !== true) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics missing or without leaders after ${LEADER_WAIT_MS} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
