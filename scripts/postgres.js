#!/usr/bin/env node
// Makes sure PostgreSQL is reachable before anything needs it: the local cluster is started if it
// is down, an explicit DATABASE_URL is only checked (it belongs to someone else).
//
//   node scripts/postgres.js
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

// Same default as libs/read-models (DEFAULT_DATABASE_URL); this script runs before any TypeScript.
const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_HOST = '127.0.0.1';
const LOCAL_PORT = 5432;
const CLUSTER_NAME = 'main';
const DEFAULT_TIMEOUT_MS = 30_000;

const log = (message) => console.log(`postgres: ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function portAcceptsConnections(port, host, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Resolves with undefined when a query succeeds, otherwise with the error. */
async function tryConnect(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// `$(ls /etc/postgresql)` in the one-liner; with several versions installed, the newest wins.
function installedVersion() {
  let versions;
  try {
    versions = fs.readdirSync('/etc/postgresql');
  } catch {
    throw new Error(
      'PostgreSQL does not accept connections on 127.0.0.1:5432 and no local cluster is installed ' +
        '(/etc/postgresql is missing); set DATABASE_URL to a reachable server',
    );
  }
  const sorted = versions.filter((name) => /^\d+(\.\d+)?$/.test(name)).sort((a, b) => Number(b) - Number(a));
  if (sorted.length === 0) throw new Error('no PostgreSQL version found under /etc/postgresql');
  return sorted[0];
}

function startLocalCluster() {
  const version = installedVersion();
  const args = ['--skip-systemctl-redirect', version, CLUSTER_NAME, 'start'];
  log(`starting the local cluster: pg_ctlcluster ${args.join(' ')}`);
  const result = spawnSync('pg_ctlcluster', args, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`could not run pg_ctlcluster: ${result.error.message}`);
  }
  // Exit 2 means "already running", which a race with another starter can produce.
  if (result.status !== 0 && result.status !== 2) {
    throw new Error(
      `pg_ctlcluster ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`.trimEnd(),
    );
  }
}

/**
 * @returns {Promise<{ url: string, startedHere: boolean }>}
 */
async function ensurePostgres({ timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const explicit = process.env.DATABASE_URL;
  if (explicit) {
    const error = await tryConnect(explicit);
    if (error) throw new Error(`cannot connect to DATABASE_URL: ${error.message}`);
    return { url: explicit, startedHere: false };
  }

  let startedHere = false;
  if (!(await portAcceptsConnections(LOCAL_PORT, LOCAL_HOST))) {
    startLocalCluster();
    startedHere = true;
  }

  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    lastError = await tryConnect(LOCAL_URL);
    if (!lastError) {
      if (startedHere) log(`accepting connections on ${LOCAL_HOST}:${LOCAL_PORT}`);
      return { url: LOCAL_URL, startedHere };
    }
    await sleep(250);
  }
  throw new Error(
    `PostgreSQL at ${LOCAL_URL} did not accept a connection within ${timeoutMs / 1000} s: ${lastError?.message}`,
  );
}

module.exports = { ensurePostgres };

if (require.main === module) {
  ensurePostgres().then(
    ({ url, startedHere }) => {
      if (!startedHere) log(`reachable at ${url.replace(/\/\/[^@/]*@/, '//')}`);
      process.exit(0);
    },
    (error) => {
      console.error(`postgres: ${error.message}`);
      process.exit(1);
    },
  );
}
