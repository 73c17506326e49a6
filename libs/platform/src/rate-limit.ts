import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '@handoff/contracts';
import { authenticate, requestIdOf, type AuthenticatedRequest } from './http';
import { parseApiKeys } from './tokens';
import type { PersonTokens } from './oidc/people';

export interface RateLimitPolicy {
  /** Sustained requests per minute a client may make. */
  readonly perMinute: number;
  /** How many requests a client may make at once after a quiet spell. */
  readonly burst: number;
}

export type Take = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One token bucket per client: `burst` tokens to begin with, refilled at `perMinute / 60` a
 * second; a request takes one token or is refused. Time is given, never read, so a test sets it.
 *
 * The buckets live in this process's memory, so each instance limits on its own: with N instances
 * behind a load balancer a client may get up to N times the rate. That is enough to stop one
 * client from drowning an instance; a shared limit would need a shared store (Redis, PostgreSQL).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly policy: RateLimitPolicy,
    /** Above this many clients, the buckets that have refilled are forgotten (a full bucket is no bucket). */
    private readonly maxClients = 10_000,
  ) {
    if (!(policy.perMinute > 0) || !(policy.burst >= 1)) throw new Error('a rate limit needs perMinute > 0 and burst >= 1');
    this.perMs = policy.perMinute / 60_000;
  }

  take(client: string, now: number): Take {
    const bucket = this.refilled(client, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  /** How many clients are remembered; for tests and metrics. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(client: string, now: number): Bucket {
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.forgetFull(now);
      bucket = { tokens: this.policy.burst, updatedAt: now };
      this.buckets.set(client, bucket);
      return bucket;
    }
    // A clock that goes back never refills (nor drains) a bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(this.policy.burst, bucket.tokens + elapsed * this.perMs);
    bucket.updatedAt = Math.max(now, bucket.updatedAt);
    return bucket;
  }

  private forgetFull(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.perMs >= this.policy.burst) this.buckets.delete(client);
    }
  }
}

/** Paths no client is ever limited on: a load balancer, an orchestrator or Prometheus asks them often. */
const EXEMPT_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * Whom a request counts against: an upstream system by its API key's system id, a person by
 * their token's subject, anyone else (no or invalid credentials) by the remote address, so
 * inventing credentials does not buy a fresh bucket. Express is not told to trust proxies, so
 * behind one every unauthenticated client shares the proxy's address.
 */
export function clientOf(actor: Actor | undefined, request: Request): string {
  if (actor?.role === 'system') return `system:${actor.id}`;
  if (actor) return `person:${actor.id}`;
  return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * Express middleware limiting each client to its bucket; runs before the body is read, so an
 * oversized or malformed body counts too. Answers 429 with the common error body and Retry-After.
 */
export function rateLimiter(
  options: { readonly policy: RateLimitPolicy; readonly tokens: PersonTokens; readonly apiKeys: string },
  now: () => number = Date.now,
): (request: Request, response: Response, next: NextFunction) => Promise<void> {
  const buckets = new TokenBuckets(options.policy);
  const apiKeys = parseApiKeys(options.apiKeys);
  return async (request, response, next) => {
    if (EXEMPT_PATHS.has(request.path)) return next();
    let actor: Actor | undefined;
    try {
      actor = await authenticate(request, options.tokens, apiKeys);
    } catch {
      // The provider's keys cannot be read now: count by address, and let the guard answer for it.
      actor = undefined;
    }
    const client = clientOf(actor, request);
    const taken = buckets.take(client, now());
    if (taken.allowed) return next();
    response
      .status(429)
      .set('Retry-After', String(taken.retryAfterSeconds))
      .json({
        error: 'too_many_requests',
        message: `too many requests from this client; retry in ${taken.retryAfterSeconds} s`,
        requestId: requestIdOf(request as AuthenticatedRequest),
      });
  };
}
