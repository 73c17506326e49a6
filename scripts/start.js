#!/usr/bin/env node
// `npm start`: PostgreSQL checked, the Kafka broker started (unless KAFKA_BROKERS names one),
// the code built, and the four services run until Ctrl-C, HANDOFF_INSTANCES instances of each
// (1 by default; instance k listens on the service's port + 100 k). Each instance's log lines
// are prefixed with its name (and number, with several); the services themselves log JSON.
// HANDOFF_OIDC=local also starts the local OpenID provider (scripts/oidc-provider.js) and has the
// consoles and the services use it, as they would the organisation's identity provider.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { SERVICES, instanceCount, instancePorts, serviceOverrides } = require('./services');
const { createWebServer, webOptionsFromEnv, webPort } = require('./web');

const root = path.resolve(__dirname, '..');

async function waitHealthy(url, deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

async function main() {
  const started = Date.now();
  const { ensurePostgres } = require('./postgres');
  const { ensureKafka, stopKafka } = require('./kafka');
  await ensurePostgres();
  const kafka = await ensureKafka();
  await require('./build').build();
  await require('./build-web').buildWeb();

  let oidcEnv = {};
  let oidcProvider;
  if (process.env.HANDOFF_OIDC === 'local') {
    const { startOidcProvider, localOidcEnv } = require('./oidc-provider');
    const webBase = `http://${process.env.WEB_HOST || '127.0.0.1'}:${webPort()}`;
    oidcProvider = await startOidcProvider({ webBaseUrls: [webBase] });
    oidcEnv = localOidcEnv(oidcProvider.issuer, webBase);
  } else if (process.env.HANDOFF_OIDC !== undefined && process.env.HANDOFF_OIDC !== '') {
    throw new Error(`HANDOFF_OIDC: must be "local" (or unset; for your own provider set the OIDC_* variables)`);
  }

  const count = instanceCount();
  const instances = SERVICES.flatMap((service) => instancePorts(service).map((port, index) => ({ service, port, label: count > 1 ? `${service.name}#${index + 1}` : service.name })));
  const children = instances.map(({ service, port, label }) => {
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'dist/apps', service.name, 'src/main.js')], {
      cwd: root,
      env: { ...process.env, ...oidcEnv, ...serviceOverrides(service), PORT: String(port), KAFKA_BROKERS: kafka.brokers.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${label}] `.padEnd(15);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) process.stdout.write(prefix + line + '\n');
      });
    }
    child.on('exit', (code, signal) => {
      process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
      if (!stopping) shutdown(1);
    });
    return child;
  });

  let stopping = false;
  async function shutdown(code) {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.on('exit', resolve)) : null)));
    if (kafka.startedHere && process.env.HANDOFF_KEEP_KAFKA !== 'true') await stopKafka();
    await oidcProvider?.close();
    process.exit(code);
  }
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  const deadline = Date.now() + 90_000;
  const healthy = await Promise.all(instances.map(({ port }) => waitHealthy(`http://127.0.0.1:${port}/health`, deadline)));
  if (healthy.every(Boolean)) {
    // The consoles' address: the single-page app and the services' APIs behind one origin.
    const web = createWebServer(webOptionsFromEnv({ ...process.env, ...oidcEnv }));
    const webHost = process.env.WEB_HOST || '127.0.0.1';
    await new Promise((resolve, reject) => web.once('error', reject).listen(webPort(), webHost, resolve));
    process.stdout.write(`\nHandoff is up in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
    process.stdout.write(
      oidcProvider
        ? `  consoles    http://${webHost}:${webPort()}  (sign in at the local identity provider: ${Object.keys(require('./oidc-provider').PEOPLE).join(', ')}; password "${require('./oidc-provider').LOCAL_PASSWORD}")\n  identity    ${oidcProvider.issuer}\n`
        : `  consoles    http://${webHost}:${webPort()}  (sign in as any role with the local development credentials)\n`,
    );
    for (const service of SERVICES) {
      const urls = instancePorts(service).map((port) => `http://127.0.0.1:${port}`).join(' ');
      process.stdout.write(`  ${service.name.padEnd(11)} ${urls}  (API docs: /docs, health: /health)\n`);
    }
    process.stdout.write(`  kafka       ${kafka.brokers.join(',')}\nCtrl-C stops everything.\n\n`);
  } else {
    process.stderr.write('services did not become healthy within 90 s\n');
    await shutdown(1);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
