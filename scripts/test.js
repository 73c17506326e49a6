#!/usr/bin/env node
// `npm test`: every Jest project against real PostgreSQL and a real Kafka broker, ending with
// exactly one machine-readable line, "N passed, N failed" (", N skipped" when any were skipped).
// Extra arguments go to Jest: `npm test -- --selectProjects unit`, `npm test -- libs/contracts`.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { ensureKafka, stopKafka } = require('./kafka');
const { ensurePostgres } = require('./postgres');
const { summarize } = require('./jest-summary');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, '.handoff', 'jest-results.json');
const JEST = path.join(ROOT, 'node_modules', '.bin', 'jest');

function readResults() {
  try {
    return JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
  } catch {
    return undefined;
  }
}

function runJest(args, env) {
  return new Promise((resolve) => {
    const jest = spawn(JEST, ['--json', `--outputFile=${RESULTS}`, ...args], { cwd: ROOT, env, stdio: 'inherit' });
    // Ctrl-C reaches Jest through the terminal's process group; we only have to outlive it so the
    // broker is still stopped and the summary still printed.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    const done = (exitCode) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      resolve(exitCode);
    };
    jest.once('error', (error) => {
      console.error(`test: could not run ${path.relative(ROOT, JEST)}: ${error.message}`);
      done(1);
    });
    jest.once('exit', (code, signal) => done(signal ? null : code));
  });
}

/**
 * Two Jest workers unless told otherwise (HANDOFF_TEST_WORKERS, or --maxWorkers/--runInBand on
 * the command line). Jest's own default on two cores is one worker, and most of an end-to-end
 * file's time is spent waiting on the broker, the database and the browser, not computing: two
 * files side by side take the suite from about 14 minutes to about 9 on this machine. Each file
 * starts its own services on free ports with its own databases, so they do not meet.
 */
function withWorkers(args) {
  if (args.some((arg) => /^(--maxWorkers|-w|--runInBand|-i$)/.test(arg))) return args;
  return [`--maxWorkers=${process.env.HANDOFF_TEST_WORKERS ?? 2}`, ...args];
}

async function main(args) {
  let kafkaStartedHere = false;
  let exitCode = null;
  try {
    await ensurePostgres();
    try {
      require('./chromium').ensureChromium();
    } catch (error) {
      // The browser tests then fail and say what is missing; every other test still runs.
      console.error(`test: installing Chromium failed: ${error.message}`);
    }
    const kafka = await ensureKafka();
    kafkaStartedHere = kafka.startedHere;
    // Tests and the Jest global setup read KAFKA_BROKERS; pass on the broker actually in use,
    // which need not be on the default port.
    const env = { ...process.env, KAFKA_BROKERS: kafka.brokers.join(',') };

    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    // A results file left from an earlier run must not stand in for a run that crashed.
    fs.rmSync(RESULTS, { force: true });
    exitCode = await runJest(withWorkers(args), env);
  } catch (error) {
    console.error(`test: ${error.message}`);
    exitCode = 1;
  } finally {
    if (kafkaStartedHere) {
      try {
        await stopKafka();
      } catch (error) {
        console.error(`test: stopping the Kafka broker failed: ${error.message}`);
      }
    }
  }

  const summary = summarize(readResults(), { exitCode });
  console.log(summary.line);
  return summary.failed > 0 || exitCode !== 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
