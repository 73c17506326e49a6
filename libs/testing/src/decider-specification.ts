import { DomainError, ValidationFailed, type Command, type Decider, type DomainErrorCode, type DomainEvent, type EventRegistry } from '@handoff/contracts';

/**
 * Given events / When a command / Then events, or thenThrows a refusal: the one way a decider is
 * specified in this code base (Emmett's DeciderSpecification). Every event a `then` sees is
 * parsed with its published contract, as a consumer will parse it; `expectEveryEventEmitted`
 * (in an afterAll) checks that the suite made each event type of the context at least once.
 */
export class DeciderSpecification<C extends Command, E extends DomainEvent, S> {
  private readonly emitted = new Set<string>();

  private constructor(
    private readonly decider: Decider<C, E, S>,
    private readonly contracts: EventRegistry<E>,
  ) {}

  static for<C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>, contracts: EventRegistry<E>): DeciderSpecification<C, E, S> {
    return new DeciderSpecification(decider, contracts);
  }

  given(...history: readonly E[]) {
    const state = history.reduce(this.decider.evolve, this.decider.initialState);
    return {
      /** `decide` replaces the decider's own for this command, e.g. under another policy. */
      when: (command: C, decide: (command: C, state: S) => readonly E[] = this.decider.decide) => ({
        then: (expected: readonly E[]): readonly E[] => {
          const events = decide(command, state);
          expect(events).toEqual(expected);
          for (const event of events) {
            const contract = this.contracts[event.type as E['type']] as { schema: { parse(data: unknown): unknown } };
            // What a Kafka consumer will parse must come out exactly as it went in.
            expect(contract.schema.parse(event.data)).toEqual(event.data);
            this.emitted.add(event.type);
          }
          return events;
        },
        /**
         * Refused with this code; with fields (a validation refusal), the refusal names exactly
         * those fields, in order.
         */
        thenThrows: <Code extends DomainErrorCode>(code: Code, fields?: string | readonly string[]): Code extends 'VALIDATION_FAILED' ? ValidationFailed : DomainError => {
          let refusal: unknown;
          try {
            decide(command, state);
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toBeInstanceOf(code === 'VALIDATION_FAILED' ? ValidationFailed : DomainError);
          const error = refusal as DomainError;
          expect(error.code).toBe(code);
          if (fields !== undefined) {
            const named = error instanceof ValidationFailed ? error.errors.map((found) => found.field) : [];
            expect(named).toEqual(typeof fields === 'string' ? [fields] : fields);
          }
          return error as Code extends 'VALIDATION_FAILED' ? ValidationFailed : DomainError;
        },
      }),
    };
  }

  expectEveryEventEmitted(): void {
    expect([...this.emitted].sort()).toEqual(Object.keys(this.contracts).sort());
  }
}
