import { createHmac, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { actorFromClaims, groupMappingSchema, type ClaimMapping } from './claims';
import { verifyJwt, type Jwk } from './jwt';
import { oidcProblems } from './config';
import { ConfigurationError, loadConfig, baseConfigSchema } from '../config';

const ISSUER = 'https://id.example.org';
const AUDIENCE = 'https://handoff.example.org/api';
const now = new Date('2026-12-05T10:00:00Z');
const seconds = Math.floor(now.getTime() / 1000);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (key: KeyObject, kid: string): Jwk => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig' });
const PUBLISHED: Jwk[] = [jwk(rsa.publicKey, 'rsa-1'), jwk(ec.publicKey, 'ec-1')];

function jwt(claims: Record<string, unknown>, options: { alg?: string; kid?: string; key?: KeyObject } = {}): string {
  const alg = options.alg ?? 'RS256';
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid: options.kid ?? (alg === 'ES256' ? 'ec-1' : 'rsa-1') })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const data = Buffer.from(`${header}.${body}`);
  const key = options.key ?? (alg === 'ES256' ? ec.privateKey : rsa.privateKey);
  const signature =
    alg === 'ES256'
      ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : alg === 'PS256'
        ? sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
        : sign('sha256', data, key);
  return `${header}.${body}.${signature.toString('base64url')}`;
}

const valid = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: AUDIENCE, sub: 'agent-li', iat: seconds - 10, exp: seconds + 3600, ...extra });
const expect_ = { issuer: ISSUER, audience: AUDIENCE, now };

describe('a provider-signed token', () => {
  it.each(['RS256', 'PS256', 'ES256'])('given one signed %s with a published key, when verified, then its claims are taken', (alg) => {
    expect(verifyJwt(jwt(valid(), { alg }), PUBLISHED, expect_)).toEqual({ ok: true, claims: valid() });
  });

  it('given an audience list holding Handoff, when verified, then it is taken', () => {
    expect(verifyJwt(jwt(valid({ aud: ['other-api', AUDIENCE] })), PUBLISHED, expect_).ok).toBe(true);
  });

  it.each([
    ['another issuer', valid({ iss: 'https://evil.example.org' }), 'issued by another issuer'],
    ['another audience', valid({ aud: 'handoff-consoles' }), 'issued for another audience'],
    ['an expiry past the minute of tolerance', valid({ exp: seconds - 61 }), 'token expired'],
    ['no expiry', valid({ exp: undefined }), 'token has no expiry'],
    ['a start in the future', valid({ nbf: seconds + 300 }), 'token not yet valid'],
  ])('given %s, when verified, then it is refused', (_, claims, reason) => {
    expect(verifyJwt(jwt(claims), PUBLISHED, expect_)).toEqual({ ok: false, reason });
  });

  it('given a token signed with a key the provider does not publish under that id, when verified, then it is refused as an unknown key', () => {
    expect(verifyJwt(jwt(valid(), { kid: 'rsa-2', key: other.privateKey }), PUBLISHED, expect_)).toEqual({
      ok: false,
      reason: 'signed with a key the provider does not publish',
      unknownKey: true,
    });
  });

  it('given a token signed with another key under a published id, when verified, then the signature is refused', () => {
    expect(verifyJwt(jwt(valid(), { key: other.privateKey }), PUBLISHED, expect_)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('given a changed claim after signing, when verified, then the signature is refused', () => {
    const [header, , signature] = jwt(valid()).split('.');
    const forged = Buffer.from(JSON.stringify(valid({ sub: 'director-wang' }))).toString('base64url');
    expect(verifyJwt(`${header}.${forged}.${signature}`, PUBLISHED, expect_)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('given HS256 signed with the public key as the secret, or no algorithm, when verified, then it is refused before any key is tried', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(valid())).toString('base64url');
    const secret = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    const confused = `${header}.${body}.${createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')}`;
    expect(verifyJwt(confused, PUBLISHED, expect_)).toMatchObject({ ok: false, reason: expect.stringContaining('unsupported algorithm') });
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${body}.`;
    expect(verifyJwt(none, PUBLISHED, expect_)).toMatchObject({ ok: false, reason: expect.stringContaining('unsupported algorithm') });
  });

  it('given an ID token, when verified with the sign-in nonce, then another nonce or client is refused', () => {
    const idToken = jwt(valid({ aud: 'consoles', nonce: 'n-1', azp: 'consoles' }));
    const forId = { issuer: ISSUER, audience: 'consoles', now, authorizedParty: 'consoles' };
    expect(verifyJwt(idToken, PUBLISHED, { ...forId, nonce: 'n-1' }).ok).toBe(true);
    expect(verifyJwt(idToken, PUBLISHED, { ...forId, nonce: 'n-2' })).toEqual({ ok: false, reason: 'the nonce does not match this sign-in' });
    expect(verifyJwt(idToken, PUBLISHED, { ...forId, nonce: 'n-1', authorizedParty: 'another-client' })).toMatchObject({ ok: false });
  });
});

describe('mapping claims to a person', () => {
  const mapping: ClaimMapping = {
    userClaim: 'sub',
    roleClaim: 'handoff_role',
    departmentClaim: 'department',
    groupsClaim: 'groups',
    groups: groupMappingSchema.parse({
      groups: [
        { group: 'billing-managers', role: 'department_manager', department: 'billing' },
        { group: 'billing', role: 'department_handler', department: 'billing' },
        { group: 'front-desk', role: 'cs' },
        { group: 'directors', role: 'management' },
      ],
    }).groups,
  };

  it('given role and department claims, when mapped, then they name the person', () => {
    expect(actorFromClaims({ sub: 'product-guo', handoff_role: 'department_handler', department: 'product' }, mapping)).toEqual({
      ok: true,
      actor: { id: 'product-guo', role: 'department_handler', department: 'product' },
    });
  });

  it('given only groups, when mapped, then the first rule in the file that matches gives the role and the department', () => {
    expect(actorFromClaims({ sub: 'qian', groups: ['billing', 'billing-managers'] }, mapping)).toEqual({
      ok: true,
      actor: { id: 'qian', role: 'department_manager', department: 'billing' },
    });
    expect(actorFromClaims({ sub: 'li', groups: 'front-desk everyone' }, mapping)).toEqual({ ok: true, actor: { id: 'li', role: 'cs' } });
  });

  it('given a role claim and a mapped group, when mapped, then the claim wins', () => {
    expect(actorFromClaims({ sub: 'wang', handoff_role: 'management', groups: ['front-desk'] }, mapping)).toEqual({ ok: true, actor: { id: 'wang', role: 'management' } });
  });

  it('given a nested claim name, when mapped, then it is followed through the objects', () => {
    const keycloak: ClaimMapping = { ...mapping, roleClaim: undefined, groupsClaim: 'realm_access.roles' };
    expect(actorFromClaims({ sub: 'li', realm_access: { roles: ['front-desk'] } }, keycloak)).toEqual({ ok: true, actor: { id: 'li', role: 'cs' } });
  });

  it.each([
    ['no role and no mapped group', { sub: 'visitor', groups: ['everyone'] }, 'visitor has no Handoff role: no handoff_role claim and none of the groups (everyone) is mapped to a role'],
    ['a role Handoff does not know', { sub: 'x', handoff_role: 'admin' }, 'the handoff_role claim names no Handoff role'],
    ['the system role', { sub: 'x', handoff_role: 'system' }, 'the handoff_role claim names no Handoff role'],
    ['a department role without a department', { sub: 'x', handoff_role: 'department_handler' }, 'x is a department_handler without a department'],
    ['a department that is not a name', { sub: 'x', handoff_role: 'cs', department: 'Billing Dept' }, 'the department claim is not a department name'],
    ['no subject', { handoff_role: 'cs' }, 'the token has no sub claim'],
    ['a subject with spaces', { sub: 'a b', handoff_role: 'cs' }, 'the sub claim is not a usable person id'],
  ])('given %s, when mapped, then the person is refused with the reason', (_, claims, reason) => {
    const check = actorFromClaims(claims, mapping);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toContain(reason);
  });
});

describe('the provider settings', () => {
  const schema = baseConfigSchema('intake', 3001);

  it('given an issuer without an audience or a way to a role, when loaded, then start-up stops naming both variables', () => {
    expect(() => loadConfig(schema, { OIDC_ISSUER: ISSUER })).toThrow(ConfigurationError);
    try {
      loadConfig(schema, { OIDC_ISSUER: ISSUER });
    } catch (error) {
      expect((error as ConfigurationError).problems.map((problem) => problem.variable)).toEqual(['OIDC_AUDIENCE', 'OIDC_ROLE_CLAIM']);
    }
  });

  it('given an issuer in clear on another machine, when loaded, then it is refused', () => {
    expect(() => loadConfig(schema, { OIDC_ISSUER: 'http://id.example.org', OIDC_AUDIENCE: AUDIENCE, OIDC_ROLE_CLAIM: 'role' })).toThrow(/OIDC_ISSUER: must be https/);
    expect(loadConfig(schema, { OIDC_ISSUER: 'http://127.0.0.1:3010', OIDC_AUDIENCE: AUDIENCE, OIDC_ROLE_CLAIM: 'role' }).OIDC_ISSUER).toBe('http://127.0.0.1:3010');
  });

  it('given no issuer, when checked, then nothing is required', () => {
    expect(oidcProblems(loadConfig(schema, {}))).toEqual([]);
  });
});
