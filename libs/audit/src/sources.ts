import type { AuditSource } from '@handoff/audit';
import { createEventStoreDbEventStore, createPostgresEventStore } from '@handoff/event-store';
import { databaseUrl, DEFAULT_DATABASE_URL } from '@handoff/read-models';

/** The services whose event stores an audit reads. */
export const AUDITED_SERVICES = ['intake', 'routing', 'followup', 'evaluation'] as const;

/**
 * `AUDIT_SOURCES=intake=postgres://…/handoff_intake,routing=esdb://…` names each service's store;
 * by default, each service's local database on the server of DATABASE_URL.
 */
export function auditSourceSpec(env: NodeJS.ProcessEnv = process.env): { service: string; url: string }[] {
  if (env.AUDIT_SOURCES) {
    return env.AUDIT_SOURCES.split(',').map((entry) => {
      const index = entry.indexOf('=');
      if (index <= 0) throw new Error(`AUDIT_SOURCES: "${entry}" is not service=url`);
      return { service: entry.slice(0, index), url: entry.slice(index + 1) };
    });
  }
  const server = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  return AUDITED_SERVICES.map((service) => ({ service, url: databaseUrl(server, `handoff_${service}`) }));
}

/** `pool` bounds each PostgreSQL store's connections; a service opening them counts them in its budget. */
export async function openAuditSources(
  spec: readonly { service: string; url: string }[],
  pool: { size?: number; connectionTimeoutMillis?: number; applicationName?: string } = {},
): Promise<AuditSource[]> {
  return Promise.all(
    spec.map(async ({ service, url }) => ({
      service,
      store: url.startsWith('esdb')
        ? await createEventStoreDbEventStore({ connectionString: url })
        : await createPostgresEventStore({
            connectionString: url,
            poolSize: pool.size,
            connectionTimeoutMillis: pool.connectionTimeoutMillis,
            applicationName: pool.applicationName ? `${pool.applicationName}-${service}` : undefined,
          }),
    })),
  );
}

export async function closeAuditSources(sources: readonly AuditSource[]): Promise<void> {
  await Promise.all(sources.map((source) => source.store.close()));
}
