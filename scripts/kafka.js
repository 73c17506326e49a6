#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft) for development and tests, fetched from Maven
// Central by infra/kafka/pom.xml and run straight from its jars, because these machines have
// Java and Maven but no Docker.
//
//   node scripts/kafka.js fetch [extra mvn args]   download the broker jars (once)
//   node scripts/kafka.js start                    fetch if needed, start detached, wait until ready
//   node scripts/kafka.js stop                     stop the broker this checkout started
//   node scripts/kafka.js ensure                   start unless KAFKA_BROKERS names an external cluster
//   node scripts/kafka.js status
//
// HANDOFF_KAFKA_PORT (default 9092) moves the broker, e.g. to run a second checkout's CI beside a
// developer's broker; the controller listens on HANDOFF_KAFKA_CONTROLLER_PORT (default port + 1).
// HANDOFF_KAFKA_HOME (default .handoff/kafka) holds that broker's data, logs and pid file.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const POM = path.join(ROOT, 'infra', 'kafka', 'pom.xml');
const LOG4J_CONFIG = path.join(ROOT, 'infra', 'kafka', 'log4j.properties');
// The jars are the checkout's; the broker's state (data, logs, pid, properties) is under
// HANDOFF_KAFKA_HOME when set, so a test can run a second broker of its own beside the usual one.
const JARS_HOME = path.join(ROOT, '.handoff', 'kafka');
const HOME = process.env.HANDOFF_KAFKA_HOME ? path.resolve(process.env.HANDOFF_KAFKA_HOME) : JARS_HOME;
const LIBS = path.join(JARS_HOME, 'libs');
const FETCHED_MARKER = path.join(LIBS, '.fetched');
const DATA = path.join(HOME, 'data');
const LOGS = path.join(HOME, 'logs');
const SERVER_LOG = path.join(LOGS, 'server.log');
const JVM_OUT = path.join(LOGS, 'jvm.out');
const CLUSTER_ID_FILE = path.join(HOME, 'cluster-id');
const PID_FILE = path.join(HOME, 'kafka.pid');
const LOCK_DIR = path.join(HOME, 'start.lock');
const PROPERTIES = path.join(HOME, 'server.properties');

const HOST = '127.0.0.1';
const READY_LINE = 'Kafka Server started';
const DEFAULT_START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 30_000;

const JVM_OPTIONS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  // C1 only: the broker is up in a few seconds instead of spending them compiling hot paths.
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];

const log = (message) => console.log(`kafka: ${message}`);

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return port;
}

function ports() {
  const broker = portFromEnv('HANDOFF_KAFKA_PORT', 9092);
  const controller = portFromEnv('HANDOFF_KAFKA_CONTROLLER_PORT', broker + 1);
  if (controller === broker) throw new Error('HANDOFF_KAFKA_CONTROLLER_PORT must differ from HANDOFF_KAFKA_PORT');
  return { broker, controller };
}

const localBrokers = () => [`${HOST}:${ports().broker}`];

function externalBrokers() {
  const raw = process.env.KAFKA_BROKERS;
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Fetch

function pomDigest() {
  return crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
}

// The marker ties the jars to the pom that fetched them, so a version bump never leaves two
// Kafka versions side by side on the classpath.
function jarsPresent() {
  try {
    return fs.readFileSync(FETCHED_MARKER, 'utf8').trim() === pomDigest();
  } catch {
    return false;
  }
}

function fetchKafka({ mavenArgs = [], force = false } = {}) {
  if (!force && jarsPresent()) return { fetched: false };
  fs.rmSync(LIBS, { recursive: true, force: true });
  fs.mkdirSync(LIBS, { recursive: true });
  log(`fetching the broker jars with Maven (${path.relative(ROOT, POM)})`);
  const started = Date.now();
  // Output is kept for the error message only: with -q a good run says nothing but the colour
  // resets Maven 3.8 writes even in batch mode.
  const result = spawnSync('mvn', ['-q', '-B', '-f', POM, 'package', ...mavenArgs], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(
      result.error.code === 'ENOENT'
        ? 'mvn not found on PATH: install Apache Maven (and Java 17) to fetch the Kafka broker'
        : `could not run mvn: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
    throw new Error(`mvn exited with ${result.status ?? result.signal} while fetching the Kafka broker:\n${output}`);
  }
  const jars = fs.readdirSync(LIBS).filter((name) => name.endsWith('.jar'));
  if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
    throw new Error(`mvn succeeded but ${path.relative(ROOT, LIBS)} holds no kafka_2.13 jar`);
  }
  fs.writeFileSync(FETCHED_MARKER, `${pomDigest()}\n`);
  log(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { fetched: true };
}

// ---------------------------------------------------------------------------------------------
// Probes

function portAcceptsConnections(port, host = HOST, timeoutMs = 1000) {
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

/** True when a Kafka broker answers a metadata request; the port opens before the broker can serve. */
async function brokerAnswers(brokers, timeoutMs = 5000) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'handoff-kafka-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: Math.min(timeoutMs, 3000),
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let timer;
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.listTopics();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('probe timed out')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping

// The pid file holds the pid and, on its second line, the address the broker listens on.
function readPidFile() {
  try {
    const [pidLine, brokersLine] = fs.readFileSync(PID_FILE, 'utf8').split('\n');
    const pid = Number(pidLine.trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return { pid, brokers: brokersLine?.trim() ? brokersLine.trim().split(',') : undefined };
  } catch {
    return undefined;
  }
}

const readPid = () => readPidFile()?.pid;

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  // A stopped broker stays visible to kill(0) as a zombie until its parent reaps it.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

// Pids are reused, so a pid file that survived a reboot may name an unrelated process.
function isOurBroker(pid) {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(PROPERTIES);
  } catch {
    return true;
  }
}

function runningPid() {
  const pid = readPid();
  if (pid === undefined) return undefined;
  if (isOurBroker(pid)) return pid;
  fs.rmSync(PID_FILE, { force: true });
  return undefined;
}

function lockHolder() {
  try {
    const pid = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockAgeStart() {
  try {
    return fs.statSync(LOCK_DIR).mtimeMs;
  } catch {
    return 0;
  }
}

// Several processes may ensure the broker at once (jest global setup per project, the dev
// starter, a second terminal); only one of them may format storage and launch the JVM.
async function withStartLock(timeoutMs, work) {
  fs.mkdirSync(HOME, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = lockHolder();
      // No pid yet means the holder is between mkdir and writing it, unless that was long ago.
      const stale = holder === undefined ? Date.now() - lockAgeStart() > 10_000 : !isAlive(holder);
      if (stale) {
        fs.rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for process ${holder ?? '?'} to finish starting Kafka (${LOCK_DIR})`);
      }
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Storage and configuration

function serverProperties() {
  const { broker, controller } = ports();
  return [
    '# Written by scripts/kafka.js on every start; edit the script, not this file.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${controller}`,
    `listeners=PLAINTEXT://${HOST}:${broker},CONTROLLER://${HOST}:${controller}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${broker}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${DATA}`,
    '# Every topic is created explicitly, so a typo in a topic name fails instead of creating one.',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    '# One node: nothing can be replicated.',
    'num.partitions=1',
    'default.replication.factor=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    '# Small and quick to start: a developer machine, not a cluster.',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    'num.recovery.threads.per.data.dir=1',
    '# The 128 MB default is taken out of the 512 MB heap.',
    'log.cleaner.dedupe.buffer.size=2097152',
    'log.segment.bytes=16777216',
    '',
  ].join('\n');
}

function dataClusterId() {
  try {
    const meta = fs.readFileSync(path.join(DATA, 'meta.properties'), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(meta)?.[1].trim();
  } catch {
    return undefined;
  }
}

const CLUSTER_ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

// StorageTool accepts any string as a cluster id, so a damaged file would silently become one.
function storedClusterId() {
  try {
    const id = fs.readFileSync(CLUSTER_ID_FILE, 'utf8').trim();
    if (CLUSTER_ID_SHAPE.test(id)) return id;
    log(`ignoring ${path.relative(ROOT, CLUSTER_ID_FILE)}: "${id}" is not a Kafka cluster id`);
  } catch {
    // No id yet: the data folder's or a new one.
  }
  return undefined;
}

// Same shape as Kafka's Uuid.randomUuid().toString(): 16 random bytes, unpadded base64url. Made
// here rather than with `StorageTool random-uuid` to save one JVM start.
function newClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function java() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function javaArgs(mainClass, args) {
  return [
    ...JVM_OPTIONS,
    `-Dlog4j.configuration=file:${LOG4J_CONFIG}`,
    `-Dkafka.logs.dir=${LOGS}`,
    '-cp',
    path.join(LIBS, '*'),
    mainClass,
    ...args,
  ];
}

function prepareStorage() {
  fs.mkdirSync(LOGS, { recursive: true });
  fs.writeFileSync(PROPERTIES, serverProperties());

  let clusterId = storedClusterId();
  const formattedWith = dataClusterId();
  if (!clusterId && formattedWith && CLUSTER_ID_SHAPE.test(formattedWith)) clusterId = formattedWith;
  if (!clusterId) clusterId = newClusterId();
  fs.writeFileSync(CLUSTER_ID_FILE, `${clusterId}\n`);

  if (formattedWith === clusterId) return clusterId;
  if (fs.existsSync(DATA)) {
    log(`data folder ${formattedWith ? `belongs to cluster ${formattedWith}` : 'is not formatted'}; wiping it`);
    fs.rmSync(DATA, { recursive: true, force: true });
  }
  const result = spawnSync(
    java(),
    javaArgs('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', PROPERTIES, '--ignore-formatted']),
    { cwd: HOME, encoding: 'utf8' },
  );
  if (result.error) {
    throw new Error(
      result.error.code === 'ENOENT'
        ? 'java not found (set JAVA_HOME or put Java 17 on PATH)'
        : `could not run java: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    throw new Error(`formatting Kafka storage failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return clusterId;
}

// ---------------------------------------------------------------------------------------------
// Start, stop, status

function tail(file, lines, fromOffset = 0) {
  try {
    const text = fs.readFileSync(file, 'utf8').slice(fromOffset);
    return text.split('\n').slice(-lines).join('\n').trimEnd();
  } catch {
    return '';
  }
}

function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function logTail(offsets) {
  const parts = [];
  const server = tail(SERVER_LOG, 40, offsets.server);
  const jvm = tail(JVM_OUT, 20, offsets.jvm);
  if (server) parts.push(`--- ${path.relative(ROOT, SERVER_LOG)} (last lines) ---\n${server}`);
  if (jvm) parts.push(`--- ${path.relative(ROOT, JVM_OUT)} (last lines) ---\n${jvm}`);
  return parts.length > 0 ? parts.join('\n') : '(the broker wrote no log)';
}

function loggedReady(offset) {
  try {
    const fd = fs.openSync(SERVER_LOG, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      // The file rolls at 20 MB; after a roll the new file is smaller than our offset.
      const from = size >= offset ? offset : 0;
      const buffer = Buffer.alloc(size - from);
      fs.readSync(fd, buffer, 0, buffer.length, from);
      return buffer.toString('utf8').includes(READY_LINE);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

// The first consumer group on a new broker creates __consumer_offsets, and until that is done
// every consumer logs "The group coordinator is not available"; take that hit here, once.
async function warmGroupCoordinator(brokers) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'handoff-kafka-probe', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.describeGroups(['handoff-kafka-probe']);
  } catch {
    // Only a courtesy to the first consumer; the broker itself is ready.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitUntilServing(brokers, deadline) {
  while (Date.now() < deadline) {
    if (await brokerAnswers(brokers, Math.max(1000, Math.min(5000, deadline - Date.now())))) return true;
    await sleep(250);
  }
  return false;
}

async function launch(timeoutMs) {
  const started = Date.now();
  const brokers = localBrokers();
  prepareStorage();

  const offsets = { server: fileSize(SERVER_LOG), jvm: fileSize(JVM_OUT) };
  const out = fs.openSync(JVM_OUT, 'a');
  let child;
  try {
    // Detached in its own process group so that Ctrl-C in the terminal that started it, or the
    // end of a test run, does not take the broker down with it.
    child = spawn(java(), javaArgs('kafka.Kafka', [PROPERTIES]), {
      cwd: HOME,
      detached: true,
      stdio: ['ignore', out, out],
    });
  } finally {
    fs.closeSync(out);
  }
  const spawnError = await new Promise((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError) {
    throw new Error(
      spawnError.code === 'ENOENT' ? 'java not found (set JAVA_HOME or put Java 17 on PATH)' : spawnError.message,
    );
  }
  child.unref();
  fs.writeFileSync(PID_FILE, `${child.pid}\n${brokers.join(',')}\n`);

  const deadline = started + timeoutMs;
  let ready = false;
  while (Date.now() < deadline) {
    if (!isAlive(child.pid)) {
      fs.rmSync(PID_FILE, { force: true });
      throw new Error(`the Kafka broker exited during start-up.\n${logTail(offsets)}`);
    }
    if (loggedReady(offsets.server)) {
      ready = await waitUntilServing(brokers, deadline);
      if (ready) await warmGroupCoordinator(brokers);
      break;
    }
    await sleep(100);
  }
  if (!ready) {
    await stopPid(child.pid);
    throw new Error(
      `the Kafka broker was not ready on ${brokers.join(',')} within ${Math.round(timeoutMs / 1000)} s ` +
        `(no "${READY_LINE}" in its log, or no answer to a metadata request); stopped it.\n${logTail(offsets)}`,
    );
  }
  log(`broker ready on ${brokers.join(',')} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`);
  return { brokers, startedHere: true, pid: child.pid };
}

/**
 * Starts the local broker unless one already serves on its port.
 * @returns {Promise<{ brokers: string[], startedHere: boolean, pid?: number }>}
 */
async function startKafka({ timeoutMs = DEFAULT_START_TIMEOUT_MS } = {}) {
  const brokers = localBrokers();
  const { broker } = ports();
  // The lock also covers a cold fetch, which takes far longer than a start.
  return withStartLock(Math.max(timeoutMs, 10 * 60_000), async () => {
    fetchKafka();
    const pid = runningPid();
    const runningOn = pid === undefined ? undefined : readPidFile()?.brokers;
    if (runningOn && runningOn.join(',') !== brokers.join(',')) {
      throw new Error(
        `the broker of this checkout (pid ${pid}) listens on ${runningOn.join(',')}, not ${brokers.join(',')}; ` +
          'stop it first ("node scripts/kafka.js stop") to move it',
      );
    }
    if (pid !== undefined || (await portAcceptsConnections(broker))) {
      // Another checkout's broker may still be starting; anything else on the port never answers.
      const deadline = Date.now() + (pid !== undefined ? timeoutMs : Math.min(timeoutMs, 15_000));
      if (await waitUntilServing(brokers, deadline)) {
        log(`a broker is already serving on ${brokers.join(',')}${pid ? ` (pid ${pid})` : ''}`);
        return { brokers, startedHere: false, pid };
      }
      throw new Error(
        pid
          ? `the broker started earlier (pid ${pid}) does not answer on ${brokers.join(',')}; ` +
              `run "node scripts/kafka.js stop" and start again.\n${logTail({ server: 0, jvm: 0 })}`
          : `${HOST}:${broker} is taken by something that does not answer as a Kafka broker`,
      );
    }
    return launch(timeoutMs);
  });
}

async function stopPid(pid) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    log(`pid ${pid} did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
    while (isAlive(pid)) await sleep(100);
  }
  fs.rmSync(PID_FILE, { force: true });
}

/** Stops the broker this checkout started (the one in its pid file); anything else is left alone. */
async function stopKafka() {
  const pid = runningPid();
  if (pid === undefined) {
    fs.rmSync(PID_FILE, { force: true });
    log('no broker started from this checkout is running');
    return { stopped: false };
  }
  const started = Date.now();
  await stopPid(pid);
  log(`stopped the broker (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { stopped: true, pid };
}

/**
 * The brokers to use: KAFKA_BROKERS when it names an external cluster, otherwise the local broker,
 * started if need be. `startedHere` says whether this call launched it (and so should stop it).
 * @returns {Promise<{ brokers: string[], startedHere: boolean }>}
 */
async function ensureKafka(options = {}) {
  const external = externalBrokers();
  if (external) return { brokers: external, startedHere: false };
  const { brokers, startedHere } = await startKafka(options);
  return { brokers, startedHere };
}

async function kafkaStatus() {
  const external = externalBrokers();
  const brokers = external ?? localBrokers();
  const pid = external ? undefined : runningPid();
  const serving = await brokerAnswers(brokers);
  return { brokers, external: Boolean(external), pid, serving };
}

async function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'fetch': {
      const { fetched } = fetchKafka({ mavenArgs: rest });
      if (!fetched) log(`broker jars already in ${path.relative(ROOT, LIBS)}`);
      return 0;
    }
    case 'start':
      await startKafka();
      return 0;
    case 'stop':
      await stopKafka();
      return 0;
    case 'ensure': {
      if (externalBrokers()) {
        log(`KAFKA_BROKERS is set (${externalBrokers().join(',')}); not starting a local broker`);
        return 0;
      }
      await startKafka();
      return 0;
    }
    case 'status': {
      const status = await kafkaStatus();
      const where = status.brokers.join(',');
      if (status.serving) {
        const owner = status.external
          ? 'external cluster from KAFKA_BROKERS'
          : status.pid
            ? `pid ${status.pid}, started from ${path.relative(process.cwd(), HOME) || '.'}`
            : 'not started by this checkout';
        log(`serving on ${where} (${owner})`);
        return 0;
      }
      log(`not serving on ${where}${status.pid ? ` (pid ${status.pid} is running but does not answer)` : ''}`);
      return 1;
    }
    default:
      console.error('usage: node scripts/kafka.js fetch|start|stop|ensure|status');
      return 2;
  }
}

module.exports = { ensureKafka, startKafka, stopKafka, fetchKafka, kafkaStatus, brokerAnswers };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`kafka: ${error.message}`);
      process.exit(1);
    },
  );
}
