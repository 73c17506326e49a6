import { z } from 'zod';
import { policyFile } from '../policy-file';
import { groupMappingSchema, type ClaimMapping } from './claims';
import { IssuerKeys } from './issuer';
import { IssuerTokens, secretTokens, type PersonTokens } from './people';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const claimName = z.string().regex(/^[A-Za-z0-9_:/.#-]{1,200}$/, 'must be a claim name (letters, digits and _ : / . # -)');

/**
 * The identity provider, as the services and the consoles' server read it. Unset OIDC_ISSUER keeps
 * the development tokens; set, the services take the provider's tokens only.
 */
export const oidcConfigFields = {
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    // A token's keys come from this address: in clear, anyone on the way could hand out their own.
    .refine((url) => url.startsWith('https://') || LOCAL_HOSTS.has(new URL(url).hostname), 'must be https (http only on this machine)')
    .optional(),
  OIDC_AUDIENCE: z.string().min(1).max(500).optional(),
  OIDC_USER_CLAIM: claimName.default('sub'),
  OIDC_ROLE_CLAIM: claimName.optional(),
  OIDC_DEPARTMENT_CLAIM: claimName.optional(),
  OIDC_GROUPS_CLAIM: claimName.default('groups'),
  OIDC_GROUP_MAPPING_FILE: policyFile(groupMappingSchema, { groups: [] }),
};

const oidcConfigSchema = z.object(oidcConfigFields);
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

/** What one variable alone cannot say: with an issuer, an audience and some way to a role. */
export function oidcProblems(config: OidcConfig): { variable: string; message: string }[] {
  if (config.OIDC_ISSUER === undefined) return [];
  const problems: { variable: string; message: string }[] = [];
  if (config.OIDC_AUDIENCE === undefined) problems.push({ variable: 'OIDC_AUDIENCE', message: 'required with OIDC_ISSUER: the audience the provider puts in the access tokens it issues for Handoff' });
  if (config.OIDC_ROLE_CLAIM === undefined && !config.OIDC_GROUP_MAPPING_FILE.groups.some((rule) => rule.role !== undefined)) {
    problems.push({ variable: 'OIDC_ROLE_CLAIM', message: 'required with OIDC_ISSUER unless OIDC_GROUP_MAPPING_FILE maps a group to a role: nobody could be given a role' });
  }
  return problems;
}

export function claimMappingOf(config: OidcConfig): ClaimMapping {
  return {
    userClaim: config.OIDC_USER_CLAIM,
    groupsClaim: config.OIDC_GROUPS_CLAIM,
    groups: config.OIDC_GROUP_MAPPING_FILE.groups,
    ...(config.OIDC_ROLE_CLAIM ? { roleClaim: config.OIDC_ROLE_CLAIM } : {}),
    ...(config.OIDC_DEPARTMENT_CLAIM ? { departmentClaim: config.OIDC_DEPARTMENT_CLAIM } : {}),
  };
}

const made = new WeakMap<object, PersonTokens>();

/**
 * One verifier per loaded configuration, so the rate limiter and the guard share the provider's
 * key set instead of each reading it.
 */
export function personTokensFrom(config: Partial<OidcConfig> & { AUTH_TOKEN_SECRET: string }): PersonTokens {
  let tokens = made.get(config);
  if (!tokens) {
    tokens =
      config.OIDC_ISSUER === undefined
        ? secretTokens(config.AUTH_TOKEN_SECRET)
        : new IssuerTokens({ keys: new IssuerKeys(config.OIDC_ISSUER), audience: config.OIDC_AUDIENCE!, mapping: claimMappingOf(config as OidcConfig) });
    made.set(config, tokens);
  }
  return tokens;
}

/** The consoles' server signs people in at the provider (authorization code with PKCE) as this client. */
export const consolesOidcSchema = z.object({
  ...oidcConfigFields,
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_REDIRECT_URI: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL ending in /auth/callback' }).refine((url) => new URL(url).pathname === '/auth/callback', 'must end in /auth/callback').optional(),
  OIDC_POST_LOGOUT_REDIRECT_URI: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be scopes separated by single spaces')
    .refine((scopes) => scopes.split(' ').includes('openid'), 'must include openid')
    .default('openid profile'),
  /** Extra authorization request parameters some providers need (Auth0's `audience=...`), as a query string. */
  OIDC_AUTHORIZATION_PARAMS: z.string().max(2000).optional(),
});
export type ConsolesOidcConfig = z.infer<typeof consolesOidcSchema>;

export function consolesOidcProblems(config: ConsolesOidcConfig): { variable: string; message: string }[] {
  if (config.OIDC_ISSUER === undefined) return [];
  return (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const)
    .filter((variable) => config[variable] === undefined)
    .map((variable) => ({ variable, message: 'required with OIDC_ISSUER: the consoles sign people in at the provider as a registered client' }));
}
