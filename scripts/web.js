#!/usr/bin/env node
// The consoles' address (http://127.0.0.1:3000 by default): the built single-page app from
// dist/web, the four services' public APIs under /api/<service>/ on the same origin, and a
// session cookie instead of a token in the page.
//
// The page never holds a token: sign-in puts it in an HttpOnly, SameSite=Strict cookie and the
// proxy turns the cookie into the Authorization header the services check, so a script injected
// into the page cannot carry the token away, and the browser's EventSource (which cannot set
// headers) reaches the department queue's live stream. Every rule stays the services' own: the
// proxy adds nothing but the header.
//
// With OIDC_ISSUER set, people sign in at the organisation's identity provider (web-oidc.js) and
// the session is the provider's access token, which the services verify themselves.
//
// With several instances of a service (HANDOFF_INSTANCES, or INTAKE_URL=http://a,http://b), requests
// take the instances in turn, and one that refuses the connection (stopped, crashed, restarting) is
// skipped for the next; nothing else is retried, since only a refused connection proves the
// request never reached a service.
//
// Development sign-in (pick a role and a person, no password) mints tokens with the local
// secret; it is never on with OIDC_ISSUER or NODE_ENV=production, and otherwise on while
// AUTH_TOKEN_SECRET is the local default (unless WEB_DEV_SIGN_IN=false) or when WEB_DEV_SIGN_IN=true.
// Without either, a development token (scripts/dev-token.js) is pasted at sign-in.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { SERVICES, serviceUrls } = require('./services');
const { DEFAULT_SECRET } = require('./dev-token');
const { relyingPartyFromEnv } = require('./web-oidc');

const root = path.resolve(__dirname, '..');
const COOKIE = 'handoff_session';
const SESSION_HOURS = 8;
const MAX_SIGN_IN_BODY = 4096;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// Charts draw with inline styles; nothing else inline, nothing from another origin.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function tokens() {
  return require(path.join(root, 'dist/libs/platform/src/tokens.js'));
}

/** The services' own wording of a refusal, in the language the page asked for (Accept-Language). */
function messages() {
  return require(path.join(root, 'dist/libs/platform/src/messages/index.js'));
}

function refuseFields(request, response, fields) {
  const { languageOf, describeFields, refusalMessage } = messages();
  const language = languageOf(request.headers['accept-language']);
  return sendJson(response, 400, { error: 'validation_failed', message: refusalMessage('validation_failed', '', language), fields: describeFields(fields, language) });
}

/** The roles a person can sign in with, as the services' contracts define them. */
function personRoles() {
  return require(path.join(root, 'dist/libs/contracts/src/envelope.js')).PERSON_ROLES;
}

function cookiesOf(request) {
  const cookies = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (!name) continue;
    try {
      cookies[name] = decodeURIComponent(value.join('='));
    } catch {
      // a cookie that is not ours, badly encoded: ignored
    }
  }
  return cookies;
}

function cookieToken(request) {
  return cookiesOf(request)[COOKIE];
}

function sessionCookie(token, maxAgeSeconds) {
  return `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}

function sendJson(response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers });
  response.end(JSON.stringify(body));
}

function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('the body is too large'), { status: 413 }));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The claims of a token, checked with the services' secret. */
function claimsOf(token, secret) {
  const checked = tokens().verifyToken(token, secret);
  return checked.ok ? { ok: true, actor: checked.actor } : { ok: false, reason: checked.reason };
}

async function signIn(request, response, options) {
  if (options.oidc) return sendJson(response, 404, { error: 'not_found', message: 'people sign in at the identity provider: GET /auth/login' });
  let input;
  try {
    input = JSON.parse(await readBody(request, MAX_SIGN_IN_BODY));
  } catch (error) {
    return sendJson(response, error.status ?? 400, { error: 'bad_request', message: error.status ? error.message : 'the body is not valid JSON' });
  }
  if (typeof input !== 'object' || input === null) return refuseFields(request, response, [{ field: 'role', message: 'required', issue: { code: 'invalid_value', missing: true } }]);
  let token;
  if (typeof input.token === 'string' && input.token.length > 0) {
    token = input.token.trim();
  } else {
    if (!options.devSignIn) {
      return refuseFields(request, response, [{ field: 'token', message: 'required: development sign-in is off here', issue: { code: 'too_small', origin: 'string', minimum: 1, missing: true } }]);
    }
    const fields = [];
    if (!personRoles().includes(input.role)) fields.push({ field: 'role', message: `one of ${personRoles().join(', ')}`, issue: { code: 'invalid_value', values: personRoles(), ...(input.role === undefined ? { missing: true } : {}) } });
    if (typeof input.sub !== 'string' || input.sub === '') fields.push({ field: 'sub', message: 'required', issue: { code: 'too_small', origin: 'string', minimum: 1, missing: true } });
    else if (!/^[A-Za-z0-9._:-]{1,64}$/.test(input.sub)) fields.push({ field: 'sub', message: 'may contain only letters, digits and . _ : - (1 to 64)' });
    const needsDepartment = typeof input.role === 'string' && input.role.startsWith('department_');
    if (needsDepartment && (typeof input.department !== 'string' || !/^[a-z0-9_]{1,64}$/.test(input.department))) fields.push({ field: 'department', message: 'required for department roles', issue: { code: 'invalid_value', missing: true } });
    if (fields.length > 0) return refuseFields(request, response, fields);
    token = tokens().signToken({ sub: input.sub, role: input.role, ...(needsDepartment ? { department: input.department } : {}) }, options.secret, { ttlSeconds: SESSION_HOURS * 3600 });
  }
  const claims = claimsOf(token, options.secret);
  if (!claims.ok) return sendJson(response, 401, { error: 'unauthenticated', message: `the token is not accepted: ${claims.reason}`, fields: [{ field: 'token', message: claims.reason }] });
  sendJson(response, 200, { actor: claims.actor }, { 'set-cookie': sessionCookie(token, SESSION_HOURS * 3600) });
}

/**
 * Who is signed in, as the services will see it: a provider's token checked by the same code the
 * services run, or a development token checked with the secret.
 */
async function session(request, response, options) {
  const token = cookieToken(request);
  const base = { devSignIn: options.devSignIn, oidc: Boolean(options.oidc), roles: personRoles() };
  if (!options.oidc) {
    const claims = token ? claimsOf(token, options.secret) : { ok: false };
    return sendJson(response, 200, { actor: claims.ok ? claims.actor : null, ...base });
  }
  const cookies = cookiesOf(request);
  let refusal = options.oidc.takeRefusal(cookies);
  let checked = { ok: false };
  try {
    if (token) checked = await options.oidc.tokens.verify(token);
  } catch (error) {
    // The provider's keys cannot be read: the page says so rather than offering the development sign-in.
    refusal = { code: 'failed', detail: `the identity provider cannot be reached to check the session (${error.message}); try again in a few seconds` };
  }
  sendJson(response, 200, { actor: checked.ok ? checked.actor : null, ...base, ...(refusal ? { refusal } : {}) });
}

/** For development sign-in only: the organisation's departments and people to pick from. */
async function directory(response, options) {
  if (!options.devSignIn) return sendJson(response, 404, { error: 'not_found', message: 'development sign-in is off' });
  const token = tokens().signToken({ sub: 'consoles-directory', role: 'management' }, options.secret, { ttlSeconds: 60 });
  const routing = options.instances.routing;
  let answer;
  for (let attempt = 1; !answer; attempt++) {
    try {
      answer = await fetch(new URL('/v1/departments', routing.next()), { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      // A read: any instance may answer it, so one that refuses the connection is passed over like in proxy().
      if (error?.cause?.code !== 'ECONNREFUSED' || attempt >= routing.count) throw error;
    }
  }
  if (!answer.ok) return sendJson(response, 502, { error: 'unavailable', message: `routing answered ${answer.status}` });
  sendJson(response, 200, await answer.json());
}

/** A service's instances taken in turn (round robin): each `next()` the one after the last. */
function instancesOf(urls) {
  const list = (Array.isArray(urls) ? urls : [urls]).map((url) => new URL(url));
  let turn = 0;
  return {
    count: list.length,
    next() {
      const url = list[turn % list.length];
      turn = (turn + 1) % list.length;
      return url;
    },
  };
}

function proxy(request, response, instances, suffix, token, attempt = 0) {
  const url = instances.next();
  const headers = { ...request.headers };
  // The page's credentials are the cookie only; nothing it sends may pose as another header.
  delete headers.cookie;
  delete headers.authorization;
  delete headers['x-api-key'];
  delete headers.host;
  if (token) headers.authorization = `Bearer ${token}`;
  let connected = false;
  const upstream = http.request(
    { hostname: url.hostname, port: url.port, method: request.method, path: suffix, headers },
    (answer) => {
      const out = { ...answer.headers, ...SECURITY_HEADERS };
      // Server-sent events must pass through as they come.
      if (String(answer.headers['content-type'] ?? '').startsWith('text/event-stream')) out['x-accel-buffering'] = 'no';
      response.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(response);
    },
  );
  // The body is sent only once the connection stands, so a refused one leaves it unread for the next instance.
  upstream.on('socket', (socket) => {
    const send = () => {
      connected = true;
      request.pipe(upstream);
    };
    if (socket.connecting) socket.once('connect', send);
    else send();
  });
  upstream.on('error', (error) => {
    if (!connected && error.code === 'ECONNREFUSED' && attempt + 1 < instances.count && !response.destroyed) {
      return proxy(request, response, instances, suffix, token, attempt + 1);
    }
    if (!response.headersSent) sendJson(response, 502, { error: 'unavailable', message: 'the service is not reachable' });
    else response.destroy();
  });
  response.on('close', () => upstream.destroy());
}

function serveStatic(request, response, webRoot) {
  const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  const file = path.normalize(path.join(webRoot, pathname));
  const inside = file.startsWith(webRoot + path.sep);
  const found = inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(webRoot, 'index.html');
  if (!fs.existsSync(found)) {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    return response.end('The consoles are not built: run `npm run build`.\n');
  }
  const hashed = found.includes(`${path.sep}assets${path.sep}`);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(found)] ?? 'application/octet-stream',
    // Built assets carry their content hash in the name; the page itself must always be fresh.
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (request.method === 'HEAD') return response.end();
  fs.createReadStream(found).pipe(response);
}

/**
 * @param {{ services: Record<string, string | string[]>, secret: string, devSignIn: boolean, oidc?: object, webRoot?: string }} options
 *   services: base URL of each service, or of each of its instances; secret: the services' AUTH_TOKEN_SECRET;
 *   oidc: the relying party (web-oidc.js) when people sign in at the organisation's identity provider.
 */
function createWebServer(options) {
  const webRoot = path.resolve(options.webRoot ?? path.join(root, 'dist/web'));
  const instances = Object.fromEntries(Object.entries(options.services).map(([name, urls]) => [name, instancesOf(urls)]));
  options = { ...options, instances };
  return http.createServer((request, response) => {
    const { pathname } = new URL(request.url, 'http://x');
    if (pathname === '/auth/session' && request.method === 'GET') {
      session(request, response, options).catch(() => sendJson(response, 503, { error: 'unavailable', message: 'the identity provider cannot be reached; try again in a few seconds' }));
      return;
    }
    if (pathname === '/auth/login' && request.method === 'GET') {
      if (!options.oidc) return sendJson(response, 404, { error: 'not_found', message: 'no identity provider is configured (OIDC_ISSUER)' });
      options.oidc.login(response).catch(() => sendJson(response, 503, { error: 'unavailable', message: 'the identity provider cannot be reached; try again in a few seconds' }));
      return;
    }
    if (pathname === '/auth/callback' && request.method === 'GET') {
      if (!options.oidc) return sendJson(response, 404, { error: 'not_found', message: 'no identity provider is configured (OIDC_ISSUER)' });
      options.oidc
        .callback(request, response, cookiesOf(request), (token, maxAge) => sessionCookie(token, maxAge))
        .catch(() => sendJson(response, 503, { error: 'unavailable', message: 'the identity provider cannot be reached; try again in a few seconds' }));
      return;
    }
    if (pathname === '/auth/sign-in' && request.method === 'POST') {
      signIn(request, response, options).catch(() => sendJson(response, 500, { error: 'internal', message: 'internal error' }));
      return;
    }
    if (pathname === '/auth/directory' && request.method === 'GET') {
      directory(response, options).catch(() => sendJson(response, 502, { error: 'unavailable', message: 'routing is not reachable' }));
      return;
    }
    if (pathname === '/auth/sign-out' && request.method === 'POST') {
      if (!options.oidc) return sendJson(response, 200, { actor: null }, { 'set-cookie': sessionCookie('', 0) });
      // Ending only this session would leave the provider's: the next "Sign in" would not ask who is at the desk.
      options.oidc
        .endSessionUrl(cookiesOf(request))
        .then((redirect) => sendJson(response, 200, { actor: null, ...(redirect ? { redirect } : {}) }, { 'set-cookie': [sessionCookie('', 0), ...options.oidc.clearCookies()] }));
      return;
    }
    const api = /^\/api\/([a-z]+)(\/.*)$/.exec(pathname);
    if (api) {
      const target = Object.hasOwn(instances, api[1]) ? instances[api[1]] : undefined;
      if (!target) return sendJson(response, 404, { error: 'not_found', message: `no service ${api[1]}` });
      // Health and the API description are public on the services too.
      const suffix = api[2] + (request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '');
      return proxy(request, response, target, suffix, cookieToken(request));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'method_not_allowed', message: 'method not allowed' });
    serveStatic(request, response, webRoot);
  });
}

function webOptionsFromEnv(env = process.env) {
  const secret = env.AUTH_TOKEN_SECRET || DEFAULT_SECRET;
  const oidc = relyingPartyFromEnv(env);
  // The services take only the provider's tokens then, and production has no business with a password-less sign-in.
  const devSignInBarred = oidc ? 'OIDC_ISSUER is set' : env.NODE_ENV === 'production' ? 'NODE_ENV is production' : undefined;
  if (devSignInBarred && env.WEB_DEV_SIGN_IN === 'true') throw new Error(`invalid configuration: WEB_DEV_SIGN_IN: development sign-in cannot be on when ${devSignInBarred}`);
  // Anyone could mint tokens for the local secret anyway; with a real one, only on request.
  const devSignIn = !devSignInBarred && (env.WEB_DEV_SIGN_IN === 'true' || (env.WEB_DEV_SIGN_IN !== 'false' && secret === DEFAULT_SECRET));
  const services = Object.fromEntries(SERVICES.map((service) => [service.name, serviceUrls(service, env)]));
  return { services, secret, devSignIn, ...(oidc ? { oidc } : {}) };
}

function webPort(env = process.env) {
  return Number(env.WEB_PORT || 3000);
}

if (require.main === module) {
  const server = createWebServer(webOptionsFromEnv());
  const host = process.env.WEB_HOST || '127.0.0.1';
  server.listen(webPort(), host, () => process.stdout.write(`consoles at http://${host}:${webPort()}\n`));
}

module.exports = { createWebServer, webOptionsFromEnv, webPort };
