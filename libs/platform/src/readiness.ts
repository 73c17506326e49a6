import { backendsLockingEvents } from '@handoff/event-store';
import type { EventRelay } from '@handoff/messaging';
import type { DataSource } from 'typeorm';
import { CheckFailed } from './health';
import type { ConsumerGroups, KafkaLag } from './kafka-lag';
import type { RelayLagProbe } from './relay-lag';

const round = (seconds: number) => Math.round(seconds * 10) / 10;

/**
 * The transaction that holds this store's visibility horizon back: the oldest one with an id
 * among those holding a lock on this database's events table, by the event store's own test
 * (readAll's horizon leaves the others out).
 */
async function oldestTransaction(dataSource: DataSource): Promise<Record<string, unknown> | undefined> {
  const rows = (await dataSource.query(
    `SELECT a.pid, a.datname AS database, a.state, EXTRACT(EPOCH FROM now() - a.xact_start)::float8 AS "ageSeconds"
       FROM pg_stat_activity a
      WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
        AND a.pid IN (${backendsLockingEvents()})
      ORDER BY age(a.backend_xid) DESC LIMIT 1`,
  )) as { pid: number; database: string; state: string; ageSeconds: number }[];
  return rows[0] ? { ...rows[0], ageSeconds: round(rows[0].ageSeconds) } : undefined;
}

/**
 * The relay advances: on this instance it is running or standing by for the lease (never
 * stopped), and whoever holds the lease keeps the stored checkpoint within `maxLagSeconds` of the
 * store (or there is nothing to publish). A relay that runs but does not move (a broker that
 * refuses it, a horizon held back by an open transaction) fails on the lag, with the blocking
 * backend named when the horizon is the cause.
 */
export async function relayReadiness(relay: EventRelay, lagProbe: RelayLagProbe | null, dataSource: DataSource, maxLagSeconds: number): Promise<Record<string, unknown>> {
  const status = relay.status();
  const details: Record<string, unknown> = {
    name: status.name,
    state: status.state,
    checkpoint: status.checkpoint,
    consecutiveFailures: status.consecutiveFailures,
    lastError: status.lastError,
    heldBackSeconds: round(relay.heldBackSeconds()),
  };
  if (status.state === 'stopped' || status.state === 'stopping') throw new CheckFailed(`relay ${status.name} is ${status.state}`, details);
  if (status.state === 'starting') {
    throw new CheckFailed(`relay ${status.name} is waiting for Kafka to start${status.lastError ? ` (${status.lastError})` : ''}`, details);
  }
  if (!lagProbe) {
    if (status.consecutiveFailures >= 3) throw new CheckFailed(`relay ${status.name} has failed ${status.consecutiveFailures} times in a row (${status.lastError})`, details);
    return details;
  }
  const lag = await lagProbe.lag();
  Object.assign(details, { lagEvents: lag.events, lagSeconds: round(lag.seconds), maxLagSeconds });
  if (lag.events > 0 && lag.seconds > maxLagSeconds) {
    const blockedBy = status.heldBackSince !== null ? await oldestTransaction(dataSource).catch(() => undefined) : undefined;
    throw new CheckFailed(
      `relay ${status.name} is not advancing: ${lag.events} events waiting, the oldest for ${round(lag.seconds)} s (bound ${maxLagSeconds} s)` +
        (blockedBy ? `; the visibility horizon is held back by backend ${blockedBy.pid} (${blockedBy.state}, ${blockedBy.ageSeconds} s, database ${blockedBy.database})` : ''),
      { ...details, ...(blockedBy ? { blockedBy } : {}) },
    );
  }
  return details;
}

/** Every consumer of the service is running, joined to its group, and at most `maxLag` messages behind. */
export async function consumersReadiness(groups: ConsumerGroups, kafkaLag: KafkaLag, maxLag: number): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  const details: Record<string, unknown> = {};
  for (const group of groups.all()) {
    const { running, joined } = group.state();
    let lag: number | undefined;
    if (!running) problems.push(`consumer group ${group.groupId} is not running`);
    else if (!joined) problems.push(`consumer group ${group.groupId} has not joined its group`);
    try {
      lag = (await kafkaLag.lagOf(group.groupId, group.topics)).reduce((total, partition) => total + partition.lag, 0);
      if (lag > maxLag) problems.push(`consumer group ${group.groupId} is ${lag} messages behind (bound ${maxLag})`);
    } catch (error) {
      problems.push(`the lag of consumer group ${group.groupId} is unknown: ${error instanceof Error ? error.message : String(error)}`);
    }
    details[group.groupId] = { running, joined, lag: lag ?? null };
  }
  if (problems.length > 0) throw new CheckFailed(problems.join('; '), { groups: details, maxLag });
  return { groups: details, maxLag };
}
