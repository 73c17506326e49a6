import { spawn } from 'node:child_process';
import { backendPids, cpuSecondsOf, wakeUpsOf } from './cpu';
import type { BenchInfra } from './infra';
import type { Report } from './report';
import { BenchSystem, SERVICE_NAMES, type ServiceName } from './services';

export interface IdleSettings {
  /** How long the system is watched with no traffic at all. */
  readonly seconds: number;
  /** Left to settle after start-up (migrations, topic creation, consumer group joins) before watching. */
  readonly settleSeconds: number;
}

const section = 'idle';

/**
 * What the system costs when nobody uses it: the four services started on this run's databases and
 * topics, left alone, and the CPU time each used (and their PostgreSQL backends used) over the
 * window, as a share of one core. The baseline is a bare Node.js process with one timer, watched
 * over the same window: what any process of this runtime costs doing next to nothing here.
 */
export async function benchIdle(infra: BenchInfra, report: Report, settings: IdleSettings): Promise<void> {
  // A system of its own: the pipeline's databases and topics hold what the sections before left there.
  const system = await BenchSystem.start(infra, {}, 'idle');
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, settings.settleSeconds * 1000));
    const pidOf = (name: ServiceName) => system.pid(name);
    const backends = await backendPids(infra.serverUrl, system.databases);
    const before = {
      services: new Map(SERVICE_NAMES.map((name) => [name, cpuSecondsOf(pidOf(name))])),
      wakeUps: new Map(SERVICE_NAMES.map((name) => [name, wakeUpsOf(pidOf(name))])),
      backends: new Map(backends.map((pid) => [pid, cpuSecondsOf(pid)])),
      bare: cpuSecondsOf(bare.pid!),
      bareWakeUps: wakeUpsOf(bare.pid!),
      wall: performance.now() / 1000,
    };
    await new Promise((resolve) => setTimeout(resolve, settings.seconds * 1000));
    const wall = performance.now() / 1000 - before.wall;
    const share = (seconds: number) => (100 * seconds) / wall;
    const bareShare = share(cpuSecondsOf(bare.pid!) - before.bare);
    const after = await backendPids(infra.serverUrl, system.databases);
    let postgres = 0;
    for (const pid of after) postgres += cpuSecondsOf(pid) - (before.backends.get(pid) ?? 0);
    const details = { seconds: Math.round(wall), backends: after.length };
    report.add({ section, name: 'a bare Node.js process with one timer', value: bareShare, unit: '% of a core', better: 'lower', details });
    for (const name of SERVICE_NAMES) {
      report.add({
        section,
        name: `${name}, idle`,
        value: share(cpuSecondsOf(pidOf(name)) - (before.services.get(name) ?? 0)),
        unit: '% of a core',
        better: 'lower',
        baseline: 'a bare Node.js process with one timer',
        target: { kind: 'value', atMost: 0.5 },
        details,
      });
    }
    // How often each event loop was woken: every timer that fires and every socket that answers
    // wakes it once, and on this virtual machine a wake-up costs more than the work it brings.
    const BARE_WAKE_UPS = 'a bare Node.js process with one timer, wake-ups';
    report.add({ section, name: BARE_WAKE_UPS, value: (wakeUpsOf(bare.pid!) - before.bareWakeUps) / wall, unit: 'wake-ups/s', better: 'lower', details });
    for (const name of SERVICE_NAMES) {
      report.add({
        section,
        name: `${name}, idle, wake-ups`,
        value: (wakeUpsOf(pidOf(name)) - (before.wakeUps.get(name) ?? 0)) / wall,
        unit: 'wake-ups/s',
        better: 'lower',
        baseline: BARE_WAKE_UPS,
        details,
      });
    }
    report.add({ section, name: 'their PostgreSQL backends, idle, together', value: share(postgres), unit: '% of a core', better: 'lower', details });
  } finally {
    bare.kill('SIGKILL');
    await system.stop();
  }
}
