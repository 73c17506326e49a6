import { verifyToken, type TokenCheck } from '../tokens';
import { actorFromClaims, type ClaimMapping } from './claims';
import { IssuerKeys } from './issuer';
import { verifyJwt } from './jwt';

/** Whoever a person's bearer token names, however the token was issued. */
export interface PersonTokens {
  verify(token: string): Promise<TokenCheck>;
}

/** The development tokens (HS256, AUTH_TOKEN_SECRET): `scripts/dev-token.js` and the development sign-in. */
export function secretTokens(secret: string): PersonTokens {
  return { verify: async (token) => verifyToken(token, secret) };
}

/**
 * Tokens the organisation's identity provider signed: the access token the consoles were given at
 * sign-in. Each service checks the provider's signature itself (its published keys), the issuer,
 * that the token was issued for Handoff (the audience) and is in its validity, then reads the
 * person from its claims; so a service trusts no one between it and the provider, the consoles'
 * server included.
 */
export class IssuerTokens implements PersonTokens {
  constructor(
    private readonly settings: { readonly keys: IssuerKeys; readonly audience: string; readonly mapping: ClaimMapping },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async verify(token: string): Promise<TokenCheck> {
    const { keys, audience, mapping } = this.settings;
    const expect = { issuer: keys.issuer, audience, now: this.now() };
    let checked = verifyJwt(token, await keys.keys(), expect);
    if (!checked.ok && checked.unknownKey) checked = verifyJwt(token, await keys.keys(true), expect);
    if (!checked.ok) return checked;
    return actorFromClaims(checked.claims, mapping);
  }
}
