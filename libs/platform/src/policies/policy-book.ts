import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PolicyDefinition, PolicyKind } from '@handoff/contracts';
import { AppliedEvents } from '../applied-events';
import type { BaseConfig } from '../config';
import { JsonLogger } from '../logger';
import { CONFIG } from '../service.module';

export interface InForce<T> {
  readonly version: number;
  readonly document: T;
}

/** The definitions of every kind a service applies, its own and those it takes from another's topic. */
export const POLICY_DEFINITIONS = Symbol('POLICY_DEFINITIONS');

/**
 * The policies in force in this instance, read synchronously by deciders and reports. The service's
 * consumer keeps the `policies` table (libs/read-models, policies.ts) from the PolicyChanged events.
 * The instance whose consumer applied a change reads the table as soon as it is committed; every
 * instance also reads it every POLICY_REFRESH_INTERVAL_MS, so the others take the change up too,
 * not only the one whose partition carried it. Until a kind has been changed, its file is in force.
 */
@Injectable()
export class PolicyBook implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly inForce = new Map<PolicyKind, InForce<unknown>>();
  private readonly definitions = new Map<PolicyKind, PolicyDefinition>();
  /** `kind@version` this build refused: said once, not at every refresh. */
  private readonly refused = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    @Inject(POLICY_DEFINITIONS) definitions: readonly PolicyDefinition[],
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: BaseConfig,
    private readonly logger: JsonLogger,
    @Inject(AppliedEvents) private readonly applied: AppliedEvents,
  ) {
    for (const definition of definitions) {
      this.definitions.set(definition.kind, definition);
      this.inForce.set(definition.kind, { version: 0, document: definition.initial });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // A change made while this instance was down is in force before its first decision.
    await this.refresh().catch((error: Error) => this.logger.event('warn', 'policies not read at start; the files are in force until they are', { error: error.message }));
    // The consumer's handler of the table is named `policies` in every service that keeps it.
    this.stopListening = this.applied.on('policies', () => void this.refresh().catch(() => undefined));
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.config.POLICY_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
  }

  applies(kind: string): kind is PolicyKind {
    return this.definitions.has(kind as PolicyKind);
  }

  definition<T>(kind: PolicyKind): PolicyDefinition<T> {
    const definition = this.definitions.get(kind);
    if (!definition) throw new Error(`this service does not apply the ${kind} policy`);
    return definition as PolicyDefinition<T>;
  }

  current<T>(kind: PolicyKind): InForce<T> {
    const found = this.inForce.get(kind);
    if (!found) throw new Error(`this service does not apply the ${kind} policy`);
    return found as InForce<T>;
  }

  /** Reads the newest versions the consumer has applied; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const rows: { kind: PolicyKind; version: number; document: unknown }[] = await this.dataSource.query('SELECT kind, version, document FROM policies');
    for (const row of rows) {
      const definition = this.definitions.get(row.kind);
      const held = this.inForce.get(row.kind);
      if (!definition || !held || row.version <= held.version || this.refused.has(`${row.kind}@${row.version}`)) continue;
      try {
        this.inForce.set(row.kind, { version: row.version, document: definition.read(row.document) });
        this.logger.event('info', 'policy version in force', { kind: row.kind, version: row.version });
      } catch (error) {
        // Checked when it was written; a later release whose validator refuses it keeps the version before.
        this.refused.add(`${row.kind}@${row.version}`);
        this.logger.event('error', 'policy version refused by this build; the previous one stays in force', { kind: row.kind, version: row.version, error: (error as Error).message });
      }
    }
  }
}

/** The book of a service, with the definitions of the kinds it applies. */
export function policyBookProviders(definitions: (config: never) => readonly PolicyDefinition[]): Provider[] {
  return [{ provide: POLICY_DEFINITIONS, useFactory: definitions, inject: [CONFIG] }, PolicyBook];
}
