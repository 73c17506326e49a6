import { createHmac, timingSafeEqual } from 'node:crypto';
import { ROLES, type Actor, type Role } from '@handoff/contracts';

/** People sign in with HS256 JWTs; upstream systems use API keys. */
export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly department?: string;
  readonly name?: string;
  readonly iat: number;
  readonly exp: number;
}

const base64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

export function signToken(
  claims: { sub: string; role: Role; department?: string; name?: string },
  secret: string,
  options: { now?: Date; ttlSeconds?: number } = {},
): string {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload: TokenClaims = { ...claims, iat, exp: iat + (options.ttlSeconds ?? 8 * 3600) };
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export type TokenCheck = { ok: true; actor: Actor } | { ok: false; reason: string };

export function verifyToken(token: string, secret: string, now: Date = new Date()): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [header, payload, signature] = parts;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  let claims: Partial<TokenClaims>;
  try {
    const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (decodedHeader.alg !== 'HS256') return { ok: false, reason: 'unsupported algorithm' };
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (typeof claims.sub !== 'string' || !claims.sub) return { ok: false, reason: 'token has no subject' };
  if (!ROLES.includes(claims.role as Role) || claims.role === 'system') return { ok: false, reason: 'token has no valid role' };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'token expired' };
  const needsDepartment = claims.role === 'department_handler' || claims.role === 'department_manager';
  if (needsDepartment && (typeof claims.department !== 'string' || !claims.department)) {
    return { ok: false, reason: 'department roles need a department' };
  }
  return {
    ok: true,
    actor: { id: claims.sub, role: claims.role as Role, ...(claims.department ? { department: claims.department } : {}) },
  };
}

/** `name=key[:source|source],...` → key → system actor (the binding is `apiKeyBindings`'). */
export function parseApiKeys(spec: string): Map<string, Actor> {
  const keys = new Map<string, Actor>();
  for (const { name, key } of apiKeyEntries(spec)) keys.set(key, { id: `system:${name}`, role: 'system' });
  return keys;
}

/**
 * The source systems each bound key may post contacts for, by its actor id (`system:<name>`).
 * A key listed without a binding is absent: it may post for any source, as before bindings existed.
 */
export function apiKeyBindings(spec: string): Map<string, readonly string[]> {
  const bindings = new Map<string, readonly string[]>();
  for (const { name, sources } of apiKeyEntries(spec)) if (sources) bindings.set(`system:${name}`, sources);
  return bindings;
}

function apiKeyEntries(spec: string): { name: string; key: string; sources?: readonly string[] }[] {
  return spec.split(',').map((entry) => {
    const index = entry.indexOf('=');
    const name = entry.slice(0, index);
    const rest = entry.slice(index + 1);
    // Keys hold no colon (the configuration refuses one), so the first colon starts the binding.
    const colon = rest.indexOf(':');
    return colon < 0 ? { name, key: rest } : { name, key: rest.slice(0, colon), sources: rest.slice(colon + 1).split('|') };
  });
}

export function findApiKey(keys: Map<string, Actor>, presented: string): Actor | undefined {
  for (const [key, actor] of keys) {
    const a = Buffer.from(key);
    const b = Buffer.from(presented);
    if (a.length === b.length && timingSafeEqual(a, b)) return actor;
  }
  return undefined;
}
