export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED';

/**
 * An expected refusal. The edge maps the code to HTTP; consumers record it or dead-letter it.
 * A refusal of invalid fields is always a `ValidationFailed`, never a `DomainError` with the
 * code `VALIDATION_FAILED`, so every edge finds its fields in one place.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * What was wrong with a field, as data: the check that failed and its bounds, so the HTTP edge
 * can say it as a sentence in the reader's language. Never holds the value that was sent.
 */
export interface FieldIssue {
  /** zod's issue code, or `unknown_field`, or `custom` with a `rule` naming one of our own checks. */
  readonly code: string;
  /** Nothing was sent for the field (as opposed to something wrong). */
  readonly missing?: boolean;
  readonly origin?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly expected?: string;
  readonly format?: string;
  readonly values?: readonly string[];
  readonly rule?: string;
}

export interface FieldError {
  readonly field: string;
  /** The check's own words (English, terse); a person reads the sentence the edge makes of `issue`. */
  readonly message: string;
  readonly issue?: FieldIssue;
}

/**
 * The one validation refusal, wherever the check runs (a request's schema, a decider's rule, a
 * policy file): it names every bad field, and the HTTP edge answers it with 400 and a sentence
 * per field in the caller's language. A `DomainError`, so whoever records refusals records it too.
 */
export class ValidationFailed extends DomainError {
  declare readonly code: 'VALIDATION_FAILED';

  /** `subject`: what was invalid when it is not a request (`deadline policy`), for the message. */
  constructor(
    readonly errors: readonly FieldError[],
    subject?: string,
  ) {
    super('VALIDATION_FAILED', `invalid${subject ? ` ${subject}` : ''}: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`);
    this.name = 'ValidationFailed';
  }
}
