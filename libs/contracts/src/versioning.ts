import type { RecordedEvent } from './envelope';

/**
 * Breaking changes to an event get a new schema version and an upcaster from the old one.
 * Upcasting happens where events are deserialised (store reads, Kafka consumers), so domain
 * code only ever sees the current shape. Hashes are over the stored shape, never the upcast one.
 */
export type Upcaster = (data: unknown, event: RecordedEvent) => unknown;

export class UpcasterRegistry {
  private readonly upcasters = new Map<string, Map<number, Upcaster>>();
  private readonly currentVersions = new Map<string, number>();

  /** Registers the step from `fromVersion` to `fromVersion + 1` of `type`. */
  register(type: string, fromVersion: number, upcaster: Upcaster): this {
    let steps = this.upcasters.get(type);
    if (!steps) this.upcasters.set(type, (steps = new Map()));
    if (steps.has(fromVersion)) throw new Error(`upcaster ${type} v${fromVersion} registered twice`);
    steps.set(fromVersion, upcaster);
    this.currentVersions.set(type, Math.max(this.currentVersionOf(type), fromVersion + 1));
    return this;
  }

  currentVersionOf(type: string): number {
    return this.currentVersions.get(type) ?? 1;
  }

  upcast<E extends RecordedEvent>(event: E): E {
    const target = this.currentVersionOf(event.type);
    if (event.schemaVersion > target) {
      throw new Error(`${event.type} v${event.schemaVersion} is newer than this service knows (v${target})`);
    }
    let data = event.data;
    let version = event.schemaVersion;
    const steps = this.upcasters.get(event.type);
    while (version < target) {
      const step = steps?.get(version);
      if (!step) throw new Error(`no upcaster for ${event.type} v${version}`);
      data = step(data, event);
      version++;
    }
    return version === event.schemaVersion ? event : { ...event, data, schemaVersion: version };
  }
}
