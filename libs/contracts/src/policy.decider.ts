import type { Command, Decider } from './decider';
import type { PolicyChanged, PolicyKind } from './events';
import { DomainError, ValidationFailed, type FieldError } from './refusals';

/**
 * One kind of policy as its owner knows it: the document it started with (its file, or the
 * built-in default: version 0), and the validator that checks that file at start-up, which
 * checks every change too.
 */
export interface PolicyDefinition<T = unknown> {
  readonly kind: PolicyKind;
  readonly initial: T;
  /** The document as the service applies it, or ValidationFailed naming each bad field by its path in the document: the file's validator. */
  read(document: unknown): T;
  /**
   * Rules about the change itself, beyond the file's: a deadline policy's new version label, a KPI
   * target that has already taken effect. Each problem names its field in the document.
   */
  checkChange?(next: T, current: T, now: Date, inForce: PoliciesInForce): readonly FieldError[];
}

/** The document of another kind in force, for a rule between two policies (routing rules name the organisation's departments). */
export type PoliciesInForce = <T>(kind: PolicyKind) => T;

export type ChangePolicy = Command<'ChangePolicy', { readonly expectedVersion: number; readonly document: unknown }>;

export interface PolicyState {
  /** 0 while the file is in force. */
  readonly version: number;
  /** The latest change's document; undefined while the file is in force. */
  readonly document: Readonly<Record<string, unknown>> | undefined;
}

export const initialPolicyState: PolicyState = { version: 0, document: undefined };

/**
 * Management changes a policy, naming the version it read: a change made meanwhile by someone
 * else is not overwritten unseen (409, read it again). The new document is checked by the same
 * validator as the file; a refusal names the fields under `document.`, and nothing is written.
 */
export function decidePolicyChange(command: ChangePolicy, state: PolicyState, definition: PolicyDefinition, inForce: PoliciesInForce): readonly PolicyChanged[] {
  if (command.metadata.actor.role !== 'management') throw new DomainError('FORBIDDEN', 'only management changes a policy');
  const { expectedVersion, document } = command.data;
  // A bad document is refused as such whatever version it was made on: the caller fixes it first.
  let next: unknown;
  try {
    next = definition.read(document);
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    throw new ValidationFailed(error.errors.map(inDocument));
  }
  if (expectedVersion !== state.version) {
    throw new DomainError('CONFLICT', `version ${state.version} of the ${definition.kind} policy is in force, not ${expectedVersion}: read it again and make the change on it`, {
      currentVersion: state.version,
    });
  }
  const current = state.document === undefined ? definition.initial : definition.read(state.document);
  const problems = definition.checkChange?.(next, current, command.metadata.now, inForce) ?? [];
  if (problems.length > 0) throw new ValidationFailed(problems.map(inDocument));
  return [{ type: 'PolicyChanged', data: { kind: definition.kind, version: state.version + 1, document: document as Record<string, unknown> } }];
}

const inDocument = (error: FieldError): FieldError => ({ ...error, field: error.field === '(root)' ? 'document' : `document.${error.field}` });

export function evolvePolicy(_state: PolicyState, event: PolicyChanged): PolicyState {
  return { version: event.data.version, document: event.data.document };
}

export function policyDecider(definition: PolicyDefinition, inForce: PoliciesInForce = () => undefined as never): Decider<ChangePolicy, PolicyChanged, PolicyState> {
  return {
    initialState: initialPolicyState,
    evolve: evolvePolicy,
    decide: (command, state) => decidePolicyChange(command, state, definition, inForce),
  };
}
