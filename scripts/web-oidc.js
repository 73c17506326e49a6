// The consoles' server as the OpenID Connect relying party of the organisation's identity
// provider: authorization code with PKCE, state and nonce checked, the ID token verified with the
// provider's published keys. The session is the provider's access token, which each service
// verifies itself; this server only carries it (see the README, "Signing in").
const { createHash, randomBytes, timingSafeEqual } = require('node:crypto');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** The sign-in's secrets between leaving for the provider and coming back. */
const TRANSACTION_COOKIE = 'handoff_oidc';
const TRANSACTION_MINUTES = 10;
/** Why the last sign-in was refused, shown by the sign-in page until the next sign-in starts. */
const REFUSAL_COOKIE = 'handoff_refusal';
/** The ID token, kept only to ask the provider to end its own session at sign-out. */
const ID_TOKEN_COOKIE = 'handoff_id';

function oidc() {
  return require(path.join(root, 'dist/libs/platform/src/oidc/index.js'));
}

const random = () => randomBytes(32).toString('base64url');
const sameText = (a, b) => typeof a === 'string' && typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * What the consoles read of the environment for OIDC: the keys of the platform's
 * `consolesOidcSchema` (scripts/web-oidc.spec.ts keeps the two lists equal). Named here so that
 * without OIDC_ISSUER nothing of dist/ is loaded, and so that all of them are read either way.
 */
const OIDC_VARIABLES = [
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'OIDC_USER_CLAIM',
  'OIDC_ROLE_CLAIM',
  'OIDC_DEPARTMENT_CLAIM',
  'OIDC_GROUPS_CLAIM',
  'OIDC_GROUP_MAPPING_FILE',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_REDIRECT_URI',
  'OIDC_POST_LOGOUT_REDIRECT_URI',
  'OIDC_SCOPES',
  'OIDC_AUTHORIZATION_PARAMS',
];

/** The consoles' OIDC settings from the environment (validated as the services validate theirs), or undefined without OIDC_ISSUER. */
function relyingPartyFromEnv(env) {
  const given = Object.fromEntries(OIDC_VARIABLES.map((name) => [name, env[name]]).filter(([, value]) => value !== undefined && value !== ''));
  if (given.OIDC_ISSUER === undefined) return undefined;
  const { loadConfig, ConfigurationError } = require(path.join(root, 'dist/libs/platform/src/config.js'));
  const platform = oidc();
  const config = loadConfig(platform.consolesOidcSchema, given);
  const problems = platform.consolesOidcProblems(config);
  if (problems.length > 0) throw new ConfigurationError(problems);
  return createRelyingParty(config);
}

function createRelyingParty(config) {
  const platform = oidc();
  const keys = new platform.IssuerKeys(config.OIDC_ISSUER);
  const tokens = new platform.IssuerTokens({ keys, audience: config.OIDC_AUDIENCE, mapping: platform.claimMappingOf(config) });
  const redirectUri = config.OIDC_REDIRECT_URI;
  const secure = redirectUri.startsWith('https://');
  const postLogoutRedirectUri = config.OIDC_POST_LOGOUT_REDIRECT_URI ?? new URL('/', redirectUri).toString();
  const cookie = (name, value, maxAgeSeconds, sameSite = 'Strict') =>
    `${name}=${encodeURIComponent(value)}; HttpOnly; SameSite=${sameSite}; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;

  /** GET /auth/login: off to the provider, with this sign-in's state, nonce and PKCE verifier kept in a cookie. */
  async function login(response) {
    let metadata;
    try {
      metadata = await keys.discover();
    } catch (error) {
      return sendRefusal(response, [], 'failed', `the identity provider cannot be reached (${error.message}); try again in a few seconds`);
    }
    const transaction = { state: random(), nonce: random(), verifier: random() };
    const url = new URL(metadata.authorization_endpoint);
    for (const [name, value] of new URLSearchParams(config.OIDC_AUTHORIZATION_PARAMS ?? '')) url.searchParams.set(name, value);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', config.OIDC_CLIENT_ID);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', config.OIDC_SCOPES);
    url.searchParams.set('state', transaction.state);
    url.searchParams.set('nonce', transaction.nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(transaction.verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    response.writeHead(303, {
      location: url.toString(),
      'cache-control': 'no-store',
      // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
      // A new sign-in starts without the last one's refusal.
      'set-cookie': [cookie(TRANSACTION_COOKIE, JSON.stringify(transaction), TRANSACTION_MINUTES * 60, 'Lax'), cookie(REFUSAL_COOKIE, '', 0)],
    });
    response.end();
  }

  /**
   * Back to the sign-in page, which shows why (the refusal cookie) until the next sign-in starts.
   * Not read-once: a page that asks for the session twice (a reload, a second tab) would otherwise
   * lose the reason on the first answer.
   */
  function sendRefusal(response, cookies, code, detail) {
    response.writeHead(303, { location: '/', 'cache-control': 'no-store', 'set-cookie': [...cookies, cookie(REFUSAL_COOKIE, JSON.stringify({ code, detail }), 300)] });
    response.end();
  }

  /**
   * GET /auth/callback: the provider's answer. Whatever goes wrong, the person lands on the sign-in
   * page with the reason (the refusal cookie), never on a half-made session.
   */
  async function callback(request, response, cookies, setSession) {
    const clear = cookie(TRANSACTION_COOKIE, '', 0, 'Lax');
    const refuse = (code, detail) => sendRefusal(response, [clear], code, detail);
    try {
      await completeSignIn(request, response, cookies, setSession, clear, refuse);
    } catch (error) {
      if (!response.headersSent) refuse('failed', `the identity provider cannot be reached (${error.message}); try again in a few seconds`);
    }
  }

  async function completeSignIn(request, response, cookies, setSession, clear, refuse) {
    const query = new URL(request.url, 'http://x').searchParams;
    let transaction;
    try {
      transaction = JSON.parse(cookies[TRANSACTION_COOKIE] ?? '');
    } catch {
      return refuse('expired', 'the sign-in was not started here or took longer than 10 minutes');
    }
    if (!sameText(query.get('state') ?? '', transaction.state)) return refuse('failed', 'the answer does not belong to this sign-in (state)');
    if (query.get('error')) return refuse('failed', `the identity provider answered ${query.get('error')}${query.get('error_description') ? `: ${query.get('error_description')}` : ''}`);
    const code = query.get('code');
    if (!code) return refuse('failed', 'the identity provider sent no code');

    const metadata = await keys.discover();
    const answer = await fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(config.OIDC_CLIENT_ID)}:${encodeURIComponent(config.OIDC_CLIENT_SECRET)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: transaction.verifier }),
      signal: AbortSignal.timeout(10_000),
    });
    const issued = await answer.json().catch(() => ({}));
    if (!answer.ok || typeof issued.id_token !== 'string' || typeof issued.access_token !== 'string') {
      return refuse('failed', `the identity provider did not issue tokens (${answer.status} ${issued.error ?? ''})`.trim());
    }
    const idExpect = { issuer: config.OIDC_ISSUER, audience: config.OIDC_CLIENT_ID, now: new Date(), nonce: transaction.nonce, authorizedParty: config.OIDC_CLIENT_ID };
    let idToken = platform.verifyJwt(issued.id_token, await keys.keys(), idExpect);
    if (!idToken.ok && idToken.unknownKey) idToken = platform.verifyJwt(issued.id_token, await keys.keys(true), idExpect);
    if (!idToken.ok) return refuse('failed', `the ID token is not valid: ${idToken.reason}`);
    // What the services will make of the token, decided by the same code they run.
    const person = await tokens.verify(issued.access_token);
    if (!person.ok) {
      return refuse(person.unmapped ? 'unmapped' : 'failed', person.unmapped ? person.reason : `the access token is not one the services take: ${person.reason}`);
    }
    const accessClaims = JSON.parse(Buffer.from(issued.access_token.split('.')[1], 'base64url').toString('utf8'));
    if (accessClaims.sub !== idToken.claims.sub) return refuse('failed', 'the ID token and the access token name different people');
    const maxAge = Math.max(0, Math.floor(accessClaims.exp - Date.now() / 1000));
    response.writeHead(303, {
      location: '/',
      'cache-control': 'no-store',
      'set-cookie': [clear, cookie(REFUSAL_COOKIE, '', 0), `${setSession(issued.access_token, maxAge)}${secure ? '; Secure' : ''}`, cookie(ID_TOKEN_COOKIE, issued.id_token, maxAge)],
    });
    response.end();
  }

  /** Where the browser goes after signing out here, so the provider's own session ends too. */
  async function endSessionUrl(cookies) {
    const metadata = await keys.discover().catch(() => undefined);
    if (!metadata?.end_session_endpoint) return undefined;
    const url = new URL(metadata.end_session_endpoint);
    if (cookies[ID_TOKEN_COOKIE]) url.searchParams.set('id_token_hint', cookies[ID_TOKEN_COOKIE]);
    url.searchParams.set('client_id', config.OIDC_CLIENT_ID);
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    return url.toString();
  }

  /** The refusal of the last sign-in, if the person has not started another since. */
  function takeRefusal(cookies) {
    try {
      const refusal = JSON.parse(cookies[REFUSAL_COOKIE] ?? '');
      return typeof refusal?.code === 'string' ? { code: refusal.code, detail: String(refusal.detail ?? '') } : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    tokens,
    login,
    callback,
    endSessionUrl,
    takeRefusal,
    clearCookies: () => [cookie(ID_TOKEN_COOKIE, '', 0), cookie(REFUSAL_COOKIE, '', 0)],
  };
}

module.exports = { relyingPartyFromEnv, createRelyingParty, OIDC_VARIABLES };
