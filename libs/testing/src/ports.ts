import { createServer } from 'node:net';

/**
 * A port for a server a test (or the bench) is about to start in another process. Not `listen(0)`: that draws
 * from the kernel's ephemeral range (32768–60999 here), which every outgoing connection to the
 * broker and PostgreSQL also draws from, and which the other Jest worker's tests draw from too;
 * in the time between choosing a port and the child binding it, either could take it
 * (EADDRINUSE, seen when `npm test` began running two files at a time). Each worker takes ports
 * from its own slice below that range, in turn, so a port is not handed out twice in one run.
 */
const FIRST = 20_000;
const SLICE = 2_000;
const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? '1')) - 1;
const sliceStart = FIRST + (worker % 6) * SLICE;
let next = Math.floor(Math.random() * SLICE);

export async function freePort(): Promise<number> {
  for (let tried = 0; tried < SLICE; tried++) {
    const port = sliceStart + (next++ % SLICE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${sliceStart}–${sliceStart + SLICE - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
