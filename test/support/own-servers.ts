import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@handoff/testing';

/**
 * Servers a test may stop and start as it likes, because nobody else uses them: the shared
 * PostgreSQL at :5432 and broker at :9092 carry other developers' tests and are never touched.
 */

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

export { freePort };

/** Why the PostgreSQL binaries cannot be used here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  return existsSync(path.join(POSTGRES_BIN, 'initdb')) ? undefined : `no PostgreSQL binaries in ${POSTGRES_BIN}`;
}

/** A PostgreSQL server of the test's own: initdb into a temporary folder, on a free port, trust auth. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async create(): Promise<OwnPostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'handoff-own-pg-'));
    // initdb refuses to run as root; the cluster then belongs to the postgres account.
    if (process.getuid?.() === 0) chownSync(dir, ...(await postgresIds()));
    await OwnPostgres.as(['initdb', '-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    return new OwnPostgres(await freePort(), dir);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await OwnPostgres.as(['pg_ctl', '-D', path.join(this.dir, 'data'), '-o', options, '-l', path.join(this.dir, 'server.log'), '-w', 'start']);
  }

  /** A fast shutdown: sessions are ended by the server (57P01), as in a real restart. */
  async stop(): Promise<void> {
    await OwnPostgres.as(['pg_ctl', '-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private static async as(command: string[]): Promise<void> {
    const [program, ...args] = command;
    const binary = path.join(POSTGRES_BIN, program);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', binary, ...args], { cwd: '/' });
    else await run(binary, args);
  }
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: group } = await run('id', ['-g', 'postgres']);
  return [Number(stdout.trim()), Number(group.trim())];
}

/** A Kafka broker of the test's own, started and stopped by scripts/kafka.js on its own ports and folder. */
export class OwnBroker {
  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
    private readonly home: string,
  ) {}

  static async create(): Promise<OwnBroker> {
    return new OwnBroker(await freePort(), await freePort(), mkdtempSync(path.join(tmpdir(), 'handoff-own-kafka-')));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await this.script('start');
  }

  async stop(): Promise<void> {
    await this.script('stop');
  }

  /** SIGKILL, the way a crashed machine stops it: nothing flushed, no controlled shutdown. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(path.join(this.home, 'kafka.pid'), 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return; // already gone
    }
    // Dead once signal 0 fails (or it is a zombie of the script that started it).
    for (let waited = 0; waited < 10_000; waited += 50) {
      try {
        process.kill(pid, 0);
        if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return;
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }

  private async script(command: 'start' | 'stop'): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, HANDOFF_KAFKA_PORT: String(this.port), HANDOFF_KAFKA_CONTROLLER_PORT: String(this.controllerPort), HANDOFF_KAFKA_HOME: this.home };
    // Naming external brokers would make the script start nothing.
    delete env.KAFKA_BROKERS;
    await run(process.execPath, [path.join(ROOT, 'scripts/kafka.js'), command], { env, cwd: ROOT, timeout: 180_000 });
  }
}

/** One service from dist/ as a process, its log lines kept. */
export class ServiceProcess {
  readonly logs: string[] = [];
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /** On `port` when given (an instance started again keeps its address), else on a free one. */
  static async launch(name: string, env: Record<string, string>, port?: number): Promise<ServiceProcess> {
    port ??= await freePort();
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist/apps', name, 'src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(port, child);
    const capture = (chunk: Buffer) => service.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: a crash, nothing flushed. */
  async kill(): Promise<void> {
    if (!this.running) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}
