import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { databaseUrl } from '@handoff/read-models';
import { freePort } from '@handoff/testing';
import type { BenchInfra } from './infra';

export const SERVICE_NAMES = ['intake', 'routing', 'followup', 'evaluation'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const ROOT = path.resolve(__dirname, '../..');
export const BENCH_API_KEY = 'bench-upstream-key-0123456789';

/**
 * The four built services as processes (the way test/support/system.ts starts them for the
 * e2e tests), on this run's databases and topic prefix, with the rate limit out of the way.
 */
export class BenchSystem {
  private readonly children = new Map<ServiceName, { child: ChildProcess; port: number }>();
  private readonly tails = new Map<ServiceName, string[]>();

  private constructor(
    private readonly infra: BenchInfra,
    /** Databases and topics of its own: '' for the pipeline's system (which rebuild reads after), a name for another. */
    private readonly namespace: string,
  ) {}

  private databaseName(name: string): string {
    return this.infra.databaseName(this.namespace ? `${this.namespace}_${name}` : name);
  }

  /** `services`: which of the four to run (the others' databases are still named, e.g. as audit sources). */
  static async start(infra: BenchInfra, extraEnv: Record<string, string> = {}, namespace = '', services: readonly ServiceName[] = SERVICE_NAMES): Promise<BenchSystem> {
    const system = new BenchSystem(infra, namespace);
    const env: Record<string, string> = {
      DATABASE_URL: infra.serverUrl,
      KAFKA_BROKERS: infra.brokers.join(','),
      KAFKA_TOPIC_PREFIX: `${infra.prefix}${namespace || 'sys'}.`,
      AUTH_API_KEYS: `bench-upstream=${BENCH_API_KEY}`,
      VAULT_DATABASE_NAME: system.databaseName('vault'),
      // Info lines (one per automatic assignment) would measure log shipping through a pipe to this process.
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_BURST: '10000000',
      ...extraEnv,
    };
    const auditSources = SERVICE_NAMES.map((name) => `${name}=${databaseUrl(infra.serverUrl, system.databaseName(name))}`).join(',');
    for (const name of services) {
      const port = await freePort();
      // e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile the services under load.
      const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
      if (nodeArgs.some((arg) => arg.startsWith('--cpu-prof'))) nodeArgs.unshift('--require', path.join(__dirname, 'profile-exit.js'));
      const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/apps', name, 'src/main.js')], {
        cwd: ROOT,
        env: { ...process.env, ...env, PORT: String(port), DATABASE_NAME: system.databaseName(name), AUDIT_SOURCES: auditSources },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const tail: string[] = [];
      const keep = (chunk: Buffer) => {
        tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        tail.splice(0, Math.max(0, tail.length - 50));
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      system.children.set(name, { child, port });
      system.tails.set(name, tail);
    }
    try {
      await Promise.all(services.map((name) => system.waitHealthy(name)));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.children.get(name)!.port}`;
  }

  port(name: ServiceName): number {
    return this.children.get(name)!.port;
  }

  databaseUrl(name: ServiceName): string {
    return databaseUrl(this.infra.serverUrl, this.databaseName(name));
  }

  pid(name: ServiceName): number {
    return this.children.get(name)!.child.pid!;
  }

  /** Every database the services use (their own and the vault). */
  get databases(): string[] {
    return [...SERVICE_NAMES.map((name) => this.databaseName(name)), this.databaseName('vault')];
  }

  /** Resident set size of each service, in MiB, from /proc. */
  rss(): Record<ServiceName, number> {
    const sizes = {} as Record<ServiceName, number>;
    for (const [name, { child }] of this.children) {
      const pid = child.pid;
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      sizes[name] = kib / 1024;
    }
    return sizes;
  }

  /** The last lines each service wrote, for a failure message. */
  lastLines(name: ServiceName): string[] {
    return [...(this.tails.get(name) ?? [])];
  }

  private async waitHealthy(name: ServiceName): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const { child } = this.children.get(name)!;
      if (child.exitCode !== null) throw new Error(`${name} exited: ${this.lastLines(name).slice(-5).join('\n')}`);
      try {
        const response = await fetch(`${this.url(name)}/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${name} was not healthy within 90 s: ${this.lastLines(name).slice(-5).join('\n')}`);
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
