/**
 * What counts as transient: a failure of the infrastructure around a message, not of the
 * message itself, so the same message will very likely succeed if tried again later.
 * Transient failures are retried with backoff for as long as the consumer runs, never
 * skipped and never dead-lettered: a stuck partition shows up as lag, whereas a skipped
 * event silently corrupts a read model. Everything else (bad JSON, bad envelope, a domain
 * refusal, a constraint violation, a bug) would fail the same way forever and goes to the
 * dead-letter topic.
 *
 * Transient:
 * - PostgreSQL SQLSTATE class 08 (connection exception), 40001 serialization_failure,
 *   40P01 deadlock_detected, 55P03 lock_not_available, 57014 query_canceled (statement or
 *   lock timeout under load), 57P01/57P02/57P03 (server shutting down, crashed, starting),
 *   class 53 (insufficient resources: too many connections, out of memory, disk full).
 * - Node socket and DNS errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, EHOSTUNREACH,
 *   ENETUNREACH, ENETDOWN, EAI_AGAIN, ECONNABORTED.
 * - node-postgres losing its connection ("Connection terminated ...", "timeout exceeded when
 *   trying to connect", a client that "is not queryable").
 * - TypeORM's QueryRunnerAlreadyReleasedError and QueryRunnerProviderAlreadyReleasedError:
 *   inside a consumer's transaction the runner is released early only when its connection
 *   failed (TypeORM lets go of a client as soon as it emits 'error').
 * - kafkajs errors flagged `retriable`, and kafkajs giving up after its own retries on such an
 *   error (KafkaJSNumberOfRetriesExceeded wrapping a retriable cause).
 *
 * Errors are unwrapped through TypeORM's `driverError` and the standard `cause`.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03']);
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53']);
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const TRANSIENT_PG_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /Connection ended unexpectedly/,
];

export function isTransientError(error: unknown): boolean {
  for (const current of errorChainOf(error)) if (isTransientItself(current)) return true;
  return false;
}

/** The error and what it wraps, outermost first: through TypeORM's `driverError` and the standard `cause`. */
export function* errorChainOf(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Object && !seen.has(current); ) {
    seen.add(current);
    yield current;
    const { driverError, cause } = current as { driverError?: unknown; cause?: unknown };
    current = driverError ?? cause;
  }
}

function isTransientItself(error: object): boolean {
  const { code, name, message, retriable } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    retriable?: unknown;
  };
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code) && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2)))) {
      return true;
    }
    if (TRANSIENT_SOCKET_CODES.has(code)) return true;
  }
  if (typeof name === 'string' && name.startsWith('KafkaJS') && retriable === true) return true;
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  return typeof message === 'string' && TRANSIENT_PG_MESSAGES.some((pattern) => pattern.test(message));
}

export interface BackoffOptions {
  /** First delay (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Ceiling of the delay (default 30 s). */
  readonly maxDelayMs?: number;
}

/**
 * Exponential backoff with "equal jitter" (half the delay fixed, half random): consumers
 * that failed together (the database went away under all of them) do not come back in
 * lockstep, and none retries much sooner than the schedule.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
