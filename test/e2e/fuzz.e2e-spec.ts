import { randomInt } from 'node:crypto';
import { hostileCases, type HostileCase, type JsonSchema } from '../support/hostile-payloads';
import { contact } from '../support/contacts';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY, type ServiceName } from '../support/system';
import { routeOf, settledEventCounts, WRITES, type Caller } from '../support/write-endpoints';

/**
 * Thousands of malformed and hostile requests against every write endpoint the services publish,
 * each sent by a caller the endpoint admits, so validation (not authorisation, not the rate limit)
 * answers. Every answer must be a 4xx in the common error shape without a stack trace, and no
 * event may be written. FUZZ_SEED=<n> replays a run; FUZZ_CASES=<n> changes its size.
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const TOTAL_CASES = Number(process.env.FUZZ_CASES ?? 3000);
const CONCURRENCY = 8;

interface WriteEndpoint {
  readonly key: string;
  readonly service: ServiceName;
  readonly path: string;
  readonly schema: JsonSchema | undefined;
}

// A stack frame, a source location or a path on this machine: none may reach a client.
const STACK_TRACE = /\n\s*at |\bat [\w$.<>]+ \(|node_modules|\/work\/|dist\/apps|\.[jt]s:\d+/;

describe('hostile and malformed payloads on every write endpoint', () => {
  let system: TestSystem;
  let ticketId: string;
  let writes: WriteEndpoint[];
  let headersOf: Record<Caller, Record<string, string>>;

  beforeAll(async () => {
    // High enough that the limiter never answers for validation.
    system = await TestSystem.start({ RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST: '1000000' });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    headersOf = {
      upstream: { 'x-api-key': UPSTREAM_KEY },
      cs: bearer(system.token('cs', 'agent-1')),
      manager: bearer(system.token('department_manager', 'product-manager-xu', 'product')),
      management: bearer(system.token('management', 'director-1')),
      qa: bearer(system.token('qa', 'inspector-1')),
    };
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post(
      'intake',
      '/v1/contacts',
      contact({ type: 'feedback', subject: 'Export to spreadsheet', description: 'The monthly report should export to a spreadsheet.', customer: { name: 'Fuzz Target', email: `fuzz-${system.suffix}@example.org` } }),
    );
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    const management = system.as({ token: system.token('management', 'director-1') });
    await eventually(async () => (await management.get('routing', `/v1/tickets/${ticketId}`)).body?.department === 'product', 'the ticket to reach product');

    writes = [];
    for (const service of SERVICE_NAMES) {
      const document = (await (await fetch(`${system.url(service)}/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
      };
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
          writes.push({ key: `${service} ${method.toUpperCase()} ${path}`, service, path, schema: operation.requestBody?.content?.['application/json']?.schema });
        }
      }
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('knows a caller and a valid body for every write endpoint the services publish', () => {
    expect(writes.map((write) => write.key).filter((key) => !(key in WRITES))).toEqual([]);
    expect(Object.keys(WRITES).filter((key) => !writes.some((write) => write.key === key))).toEqual([]);
  });

  it('answers every one with a clear 4xx, never a 5xx, never a stack trace, and writes no event', async () => {
    const before = await settledEventCounts(system);
    const targets = writes.filter((write) => WRITES[write.key]);
    const perEndpoint = Math.ceil(TOTAL_CASES / targets.length);
    const work = targets.flatMap((write, index) => {
      const { validBody, required } = WRITES[write.key];
      // One seed per endpoint, derived from the run's seed, so a failure replays on its own.
      const cases = hostileCases({ validBody: validBody(ticketId), required, schema: write.schema, hasTicketId: write.path.includes('{ticketId}') }, SEED + index, perEndpoint);
      return cases.map((hostile) => ({ write, hostile }));
    });
    console.log(`fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${work.length} requests over ${targets.length} write endpoints`);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < work.length) {
          const { write, hostile } = work[next++];
          kinds.set(hostile.kind, (kinds.get(hostile.kind) ?? 0) + 1);
          const problem = await send(system, write, hostile, headersOf[WRITES[write.key].caller], ticketId, statuses);
          if (problem) failures.push(`${write.key} [${hostile.kind}: ${hostile.description}]: ${problem}`);
        }
      }),
    );
    console.log(
      `fuzz: ${work.length} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}; kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
    );

    expect(failures.slice(0, 25)).toEqual([]);
    expect(kinds.size).toBeGreaterThanOrEqual(17);
    expect(await settledEventCounts(system)).toEqual(before);
  });

  it('answers 429 with Retry-After once a client exceeds a low limit, and never limits /health', async () => {
    await system.restart('intake', { RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '5' });
    const cs = system.as({ token: system.token('cs', 'agent-limited') });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await cs.get('intake', `/v1/tickets/${ticketId}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);

    const refused = await fetch(`${system.url('intake')}/v1/tickets/${ticketId}`, { headers: { authorization: `Bearer ${system.token('cs', 'agent-limited')}` } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({ error: 'too_many_requests', message: expect.stringMatching(/retry in \d+ s/), requestId: expect.any(String) });
    // Another client has a bucket of its own; health probes are never limited.
    expect((await system.as({ token: system.token('cs', 'agent-other') }).get('intake', `/v1/tickets/${ticketId}`)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await fetch(`${system.url('intake')}/health`)).status).toBe(200);
  });
});

/** Sends one case; answers what is wrong with the response, or undefined when it is as it must be. */
async function send(
  system: TestSystem,
  write: WriteEndpoint,
  hostile: HostileCase,
  credentials: Record<string, string>,
  ticketId: string,
  statuses: Map<number, number>,
): Promise<string | undefined> {
  const route = routeOf(write.key, write.path, hostile.ticketId ?? ticketId);
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${system.url(write.service)}${route}`, {
      method: write.key.split(' ')[1],
      headers: { ...credentials, ...(hostile.contentType ? { 'content-type': hostile.contentType } : {}), ...hostile.headers },
      body: hostile.body,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return `no answer: ${(error as Error).message}`;
  }
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  if (status < 400 || status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (status === 401 || status === 403 || status === 429) return `${status} means the fuzzer is not reaching validation: ${text.slice(0, 200)}`;
  // 409/412 (or 404 for a well-formed ticket id) would mean the payload passed validation: the generator made a valid one.
  const refusedAsInvalid = status === 400 || status === 413 || status === 415 || (status === 404 && hostile.kind === 'invalid-ticket-id');
  if (!refusedAsInvalid) return `${status}: the payload got past validation: ${text.slice(0, 300)}`;
  if (STACK_TRACE.test(text)) return `a stack trace or a source path in the answer: ${text.slice(0, 300)}`;
  let body: { error?: unknown; message?: unknown; requestId?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return `${status} without a JSON body: ${text.slice(0, 200)}`;
  }
  if (typeof body.error !== 'string' || !body.error || typeof body.message !== 'string' || !body.message.trim() || typeof body.requestId !== 'string') {
    return `${status} without the common error shape: ${text.slice(0, 300)}`;
  }
  return undefined;
}
