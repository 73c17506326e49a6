#!/usr/bin/env node
// `npm run bench`: builds, ensures PostgreSQL and the Kafka broker (started here unless
// KAFKA_BROKERS names one, and stopped again afterwards), then runs the compiled bench
// (bench/main.ts -> dist/bench/main.js) against them. Prints a table of every figure with its
// baseline and ratio, and writes bench/results/<timestamp>.json and bench/results/latest.json.
//
//   BENCH_SCALE=0.2 npm run bench          a quicker, smaller run
//   BENCH_ONLY=store,kafka npm run bench   some sections only (store, appends, kafka, pipeline, rebuild, search, scale, idle)
//   BENCH_ONLY=scale npm run bench -- --tickets 1000000   the scale section at a million tickets (its baseline 100,000)
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles"          profile the bench process (load generator, rebuild)
//   BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles"  profile the four services under load
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

async function main() {
  const started = Date.now();
  const { ensurePostgres } = require('./postgres');
  const { ensureKafka, stopKafka } = require('./kafka');
  await ensurePostgres();
  const kafka = await ensureKafka();
  await require('./build').build();
  let code = 1;
  try {
    code = await new Promise((resolve) => {
      const child = spawn(process.execPath, ['--enable-source-maps', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), path.join(root, 'dist/bench/main.js'), ...process.argv.slice(2)], {
        cwd: root,
        env: { ...process.env, KAFKA_BROKERS: kafka.brokers.join(',') },
        stdio: 'inherit',
      });
      // Ctrl-C reaches the bench through the terminal; wait for it to clean up its databases and topics.
      const ignore = () => undefined;
      process.on('SIGINT', ignore);
      child.once('exit', (exitCode, signal) => {
        process.off('SIGINT', ignore);
        resolve(signal ? 1 : exitCode);
      });
    });
  } finally {
    if (kafka.startedHere && process.env.HANDOFF_KEEP_KAFKA !== 'true') await stopKafka();
  }
  process.stdout.write(`bench: ${code === 0 ? 'finished' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  process.exit(code);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
