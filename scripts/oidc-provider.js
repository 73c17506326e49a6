#!/usr/bin/env node
// A real OpenID provider for development and the tests (the `oidc-provider` package, certified
// OpenID Connect): discovery, JWKS, authorize with a login form, token, end session. It stands in
// for the organisation's identity provider, so the consoles and the services run the same code
// against it as against the real one. Never for production: its users and passwords are below.
//
//   node scripts/oidc-provider.js            # http://127.0.0.1:3010, for the consoles on :3000
//   HANDOFF_OIDC=local npm start             # the same, with the consoles and services using it
//
// The people carry their role either as claims (handoff_role, department) or as groups mapped by
// infra/oidc/local-groups.json, so both ways an organisation may give roles are exercised.
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const http = require('node:http');
const path = require('node:path');

const LOCAL_PASSWORD = 'handoff';
const CLIENT_ID = 'handoff-consoles';
const CLIENT_SECRET = 'handoff-local-oidc-client-secret';
/** The audience of the access tokens the services take (RFC 8707 resource indicator). */
const AUDIENCE = 'urn:handoff:api';
const ACCESS_TOKEN_HOURS = 8;

/** The local people: claims as an organisation's provider would issue them. */
const PEOPLE = {
  'agent-li': { name: 'Li Na (front desk)', groups: ['front-desk', 'everyone'] },
  'product-guo': { name: 'Guo Wei (product)', handoff_role: 'department_handler', department: 'product', groups: ['everyone'] },
  'billing-manager-qian': { name: 'Qian Fang (billing manager)', groups: ['billing-managers', 'everyone'] },
  'director-wang': { name: 'Wang Jun (director)', groups: ['directors', 'everyone'] },
  'visitor-zhao': { name: 'Zhao Lei (not in Handoff)', groups: ['everyone'] },
};

/** What the consoles and the services set to use this provider (HANDOFF_OIDC=local, the tests). */
function localOidcEnv(issuer, webBaseUrl) {
  return {
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_REDIRECT_URI: `${webBaseUrl}/auth/callback`,
    OIDC_SCOPES: 'openid profile handoff',
    OIDC_ROLE_CLAIM: 'handoff_role',
    OIDC_DEPARTMENT_CLAIM: 'department',
    OIDC_GROUPS_CLAIM: 'groups',
    OIDC_GROUP_MAPPING_FILE: path.resolve(__dirname, '../infra/oidc/local-groups.json'),
  };
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function loginPage({ uid, clientName, error, login }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in – Handoff local identity provider</title>
<style>
  body { font-family: system-ui, sans-serif; background: #eef1f5; margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; padding: 2rem 2.5rem; border-radius: 8px; box-shadow: 0 2px 12px rgba(0,0,0,.12); width: 22rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; } p { color: #555; margin: 0 0 1.25rem; font-size: .9rem; }
  label { display: block; font-size: .9rem; margin: .75rem 0 .25rem; } input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
  button { margin-top: 1.25rem; width: 100%; padding: .6rem; font-size: 1rem; background: #1f5fa8; color: #fff; border: 0; border-radius: 4px; }
  .error { color: #a11; font-size: .9rem; } small { display: block; margin-top: 1rem; color: #777; }
</style></head>
<body><main>
<h1>Organisation sign-in</h1>
<p>Local identity provider for <strong>${escapeHtml(clientName)}</strong> (development only).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="login">Username</label><input id="login" name="login" value="${escapeHtml(login ?? '')}" autofocus required>
  <label for="password">Password</label><input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>
<small>People: ${Object.keys(PEOPLE).map(escapeHtml).join(', ')}; password “${LOCAL_PASSWORD}”.</small>
</main></body></html>`;
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
      if (body.length > 4096) request.destroy();
    });
    request.on('end', () => resolve(new URLSearchParams(body)));
    request.on('error', reject);
  });
}

/** The consoles' addresses the provider sends people back to (OIDC_PROVIDER_WEB_URLS, comma-separated). */
function webBaseUrlsFromEnv(env = process.env) {
  return (env.OIDC_PROVIDER_WEB_URLS || `http://127.0.0.1:${env.WEB_PORT || 3000}`).split(',').map((url) => url.replace(/\/$/, ''));
}

/**
 * Starts the provider. `redirectUris`: the consoles' callback(s); `port` 0 picks a free one.
 * Resolves with its issuer URL and a `close()`.
 */
async function startOidcProvider({ port = Number(process.env.OIDC_PROVIDER_PORT || 3010), host = '127.0.0.1', webBaseUrls = webBaseUrlsFromEnv() } = {}) {
  const { default: Provider, errors } = await import('oidc-provider');
  const server = http.createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const issuer = `http://${host}:${server.address().port}`;
  // A fresh signing key each start: the services read the key set again when a token names a key they do not hold.
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: `local-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        client_name: 'Handoff consoles',
        redirect_uris: webBaseUrls.map((base) => `${base}/auth/callback`),
        post_logout_redirect_uris: webBaseUrls.map((base) => `${base}/`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'handoff'],
    claims: { openid: ['sub'], profile: ['name'], handoff: ['handoff_role', 'department', 'groups'] },
    async findAccount(_ctx, id) {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...person }) };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== AUDIENCE) throw new errors.InvalidTarget();
          return { scope: 'handoff', audience: AUDIENCE, accessTokenTTL: ACCESS_TOKEN_HOURS * 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // The people's Handoff claims travel in the access token the services check, as a
    // provider's token mapper (Keycloak, Entra ID app roles, Okta claims) would put them.
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const { name: _name, ...claims } = PEOPLE[token.accountId] ?? {};
      return claims;
    },
    // The consoles are the organisation's own application: no consent screen, as at a company's provider.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile handoff');
      grant.addResourceScope(AUDIENCE, 'handoff');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { Session: 8 * 3600, Grant: 8 * 3600, Interaction: 3600, AuthorizationCode: 60, IdToken: 3600 },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`;
    },
  });
  const callback = provider.callback();

  server.on('request', async (request, response) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(request.url, issuer).pathname);
    if (!match) return callback(request, response);
    try {
      const details = await provider.interactionDetails(request, response);
      const send = (status, html) => {
        response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(html);
      };
      const page = { uid: details.uid, clientName: 'Handoff consoles' };
      if (details.prompt.name !== 'login') {
        // Consent is granted by loadExistingGrant; any other prompt ends the interaction as is.
        return provider.interactionFinished(request, response, {}, { mergeWithLastSubmission: true });
      }
      if (request.method === 'GET' && !match[2]) return send(200, loginPage(page));
      if (request.method === 'POST' && match[2]) {
        const form = await readForm(request);
        const login = form.get('login') ?? '';
        if (!PEOPLE[login] || form.get('password') !== LOCAL_PASSWORD) return send(200, loginPage({ ...page, login, error: 'Unknown username or wrong password.' }));
        return provider.interactionFinished(request, response, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      }
      send(405, 'method not allowed');
    } catch (error) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`sign-in interaction failed: ${error.message}`);
    }
  });

  return {
    issuer,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

if (require.main === module) {
  startOidcProvider().then(({ issuer }) => {
    process.stdout.write(`local OpenID provider at ${issuer} (people: ${Object.keys(PEOPLE).join(', ')}; password "${LOCAL_PASSWORD}")\n`);
  }, (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}

module.exports = { startOidcProvider, localOidcEnv, PEOPLE, LOCAL_PASSWORD };
