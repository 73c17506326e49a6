import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** One key of a provider's JWKS, as published. */
export type Jwk = JsonWebKey & { kid?: string; use?: string; alg?: string; kty?: string };

/** What a provider-signed token must say to be taken. */
export interface JwtExpectations {
  readonly issuer: string;
  readonly audience: string;
  readonly now: Date;
  /** ID tokens only: the nonce the sign-in sent, and the client the token is for. */
  readonly nonce?: string;
  readonly authorizedParty?: string;
}

export type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string; unknownKey?: boolean };

/**
 * Asymmetric algorithms only: a provider's token is checked with its public keys, and an HS256
 * token signed with a public key used as the secret (the classic confusion) never gets here.
 */
const ALGORITHMS: Record<string, { kty: string; check(key: KeyObject, data: Buffer, signature: Buffer): boolean }> = {
  RS256: { kty: 'RSA', check: (key, data, signature) => verify('sha256', data, key, signature) },
  PS256: {
    kty: 'RSA',
    check: (key, data, signature) => verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature),
  },
  ES256: { kty: 'EC', check: (key, data, signature) => signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature) },
};
export const ACCEPTED_ALGORITHMS = Object.keys(ALGORITHMS);

/** Clocks of the provider and of the services differ a little; a minute is the usual allowance. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** A JWT signed by one of `keys`, issued by the issuer for the audience, in its validity now. */
export function verifyJwt(token: string, keys: readonly Jwk[], expect: JwtExpectations): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  let header: { alg?: unknown; kid?: unknown; crit?: unknown };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return { ok: false, reason: 'malformed token' };
  }
  if (header.crit !== undefined) return { ok: false, reason: 'unsupported critical header' };
  const algorithm = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
  if (!algorithm) return { ok: false, reason: `unsupported algorithm (accepted: ${ACCEPTED_ALGORITHMS.join(', ')})` };

  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const candidates = keys.filter(
    (key) => key.kty === algorithm.kty && (key.use === undefined || key.use === 'sig') && (key.alg === undefined || key.alg === header.alg) && (kid === undefined || key.kid === kid),
  );
  if (candidates.length === 0) return { ok: false, reason: 'signed with a key the provider does not publish', unknownKey: true };
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const signed = candidates.some((jwk) => {
    const key = publicKey(jwk);
    return key !== undefined && algorithm.check(key, data, signature);
  });
  if (!signed) return { ok: false, reason: 'bad signature' };

  const now = expect.now.getTime() / 1000;
  if (claims.iss !== expect.issuer) return { ok: false, reason: 'issued by another issuer' };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expect.audience)) return { ok: false, reason: 'issued for another audience' };
  if (typeof claims.exp !== 'number') return { ok: false, reason: 'token has no expiry' };
  if (claims.exp + CLOCK_TOLERANCE_SECONDS <= now) return { ok: false, reason: 'token expired' };
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - CLOCK_TOLERANCE_SECONDS > now)) return { ok: false, reason: 'token not yet valid' };
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat - CLOCK_TOLERANCE_SECONDS > now)) return { ok: false, reason: 'token issued in the future' };
  if (expect.nonce !== undefined && claims.nonce !== expect.nonce) return { ok: false, reason: 'the nonce does not match this sign-in' };
  if (expect.authorizedParty !== undefined && (audiences.length > 1 || claims.azp !== undefined) && claims.azp !== expect.authorizedParty) {
    return { ok: false, reason: 'issued to another client' };
  }
  return { ok: true, claims };
}

/** RSA keys under 2048 bits can be factored by a determined attacker; they sign nothing here. */
function publicKey(jwk: Jwk): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? key : undefined;
    if (key.asymmetricKeyType === 'ec') return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
    return undefined;
  } catch {
    return undefined;
  }
}
