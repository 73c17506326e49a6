import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return fields === undefined ? 0 : (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Fields of /proc/<pid>/stat after the command name (state is 0, ppid 1, utime 11, cutime 13), or undefined once it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The parent of a process, or undefined once it is gone. */
export function parentOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : Number(fields[1]);
}

/**
 * CPU seconds (user + system) used by a process's children that have ended and been waited for:
 * for PostgreSQL's postmaster, every backend and autovacuum worker that has come and gone. 0 once it is gone.
 */
export function endedChildrenCpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return fields === undefined ? 0 : (Number(fields[13]) + Number(fields[14])) / clockTicks();
}

/**
 * How many times a process's main thread (its event loop) has gone to sleep and been woken so
 * far: the kernel's voluntary context switches of that thread. Each timer that fires or socket
 * that answers wakes it once; an idle service should be woken rarely. 0 once it is gone.
 */
export function wakeUpsOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
    return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** The PostgreSQL server processes serving the given databases right now (this user must be able to read their /proc entries). */
export async function backendPids(serverUrl: string, databases: readonly string[]): Promise<number[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1::text[])', [databases]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** WAL records and bytes: so far, or between two samples. */
export interface WalWritten {
  readonly records: number;
  readonly bytes: number;
}

/**
 * WAL the whole server has written so far (pg_stat_wal, PostgreSQL 14 and later; undefined before
 * that). Unlike CPU time, other work on the machine does not move it, but other work on the server does.
 */
export async function walWritten(serverUrl: string): Promise<WalWritten | undefined> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ records: string; bytes: string }>('SELECT wal_records::text AS records, wal_bytes::text AS bytes FROM pg_stat_wal');
    return rows.length === 0 ? undefined : { records: Number(rows[0].records), bytes: Number(rows[0].bytes) };
  } catch (error) {
    // 42P01: no such view, a server older than 14.
    if ((error as { code?: string }).code === '42P01') return undefined;
    throw error;
  } finally {
    await client.end();
  }
}

/** Committed transactions in the given databases so far. */
export async function committedTransactions(serverUrl: string, databases: readonly string[]): Promise<number> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string }>(
      'SELECT coalesce(sum(xact_commit), 0)::text AS commits FROM pg_stat_database WHERE datname = ANY($1::text[])',
      [databases],
    );
    return Number(rows[0].commits);
  } finally {
    await client.end();
  }
}

export const cores = (): number => os.cpus().length;

/**
 * What one PostgreSQL round trip costs on this machine: `SELECT 1` after `SELECT 1` on one
 * connection, the CPU of this process and of its backend per round trip. Every statement and
 * every commit the system sends pays at least this; on a virtual machine where waking a
 * process is dear, it is most of what a light load costs. `pause`: one round trip every so
 * often instead, as at a light load, where both processes sleep in between and wake to each.
 */
export async function postgresRoundTrip(serverUrl: string, count: number, pause?: { everyMs: number }): Promise<{ perSecond: number; cpuMicroseconds: number }> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0].pid;
    for (let i = 0; i < 200; i++) await client.query('SELECT 1');
    const own = process.cpuUsage();
    const backendBefore = cpuSecondsOf(backend);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await client.query('SELECT 1');
      if (pause) await new Promise((resolve) => setTimeout(resolve, pause.everyMs));
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(own);
    const cpu = (used.user + used.system) / 1e6 + (cpuSecondsOf(backend) - backendBefore);
    return { perSecond: count / seconds, cpuMicroseconds: (cpu * 1e6) / count };
  } finally {
    await client.end();
  }
}
