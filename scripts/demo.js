#!/usr/bin/env node
// `npm run demo`: drives the ticket scenarios through the public HTTP APIs of a running
// Handoff (start it with `npm start` in another terminal) and prints, step by step, what each
// person did and which events each service recorded, as the evaluation service saw them.
const { randomUUID } = require('node:crypto');
const { SERVICES, servicePort } = require('./services');
const { mintToken } = require('./dev-token');

const UPSTREAM_KEY = process.env.DEMO_API_KEY || 'handoff-local-upstream-key';
const url = (service) => `http://127.0.0.1:${servicePort(SERVICES.find((candidate) => candidate.name === service))}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(credentials, method, service, path, body) {
  const headers = { 'content-type': 'application/json' };
  if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  const response = await fetch(`${url(service)}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

async function waitFor(probe, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(150);
  }
  throw new Error(`gave up waiting for ${what}`);
}

class Narrator {
  constructor(auditor) {
    this.auditor = auditor;
    this.seen = new Map();
  }

  /** Prints the ticket's new timeline entries once `until` holds for the whole timeline. */
  async events(ticketId, until) {
    const timeline = await waitFor(async () => {
      const response = await call(this.auditor, 'GET', 'evaluation', `/v1/tickets/${ticketId}/timeline`);
      return response.status === 200 && until(response.body.entries.map((entry) => entry.type)) ? response.body : undefined;
    }, `events of ticket ${ticketId}`);
    const seen = this.seen.get(ticketId) ?? new Set();
    for (const entry of timeline.entries) {
      if (seen.has(entry.eventId)) continue;
      seen.add(entry.eventId);
      const who = `${entry.actorId} (${entry.role}${entry.department ? `, ${entry.department}` : ''})`;
      console.log(`      [${entry.service.padEnd(8)}] ${entry.type.padEnd(30)} ${entry.summary}  — ${who}`);
    }
    this.seen.set(ticketId, seen);
    return timeline;
  }
}

const step = (text) => console.log(`\n  ▸ ${text}`);
const has = (...types) => (found) => types.every((type) => found.includes(type));

async function main() {
  for (const service of SERVICES) {
    const health = await fetch(`${url(service.name)}/health`).then((response) => response.ok, () => false);
    if (!health) throw new Error(`${service.name} is not answering on ${url(service.name)}: start the system with \`npm start\` first`);
  }
  const person = async (role, id, department) => ({ token: await mintToken({ sub: id, role, ...(department ? { department } : {}) }) });
  const upstream = { apiKey: UPSTREAM_KEY };
  const cs = await person('cs', 'agent-li');
  const management = await person('management', 'director-wang');
  const narrator = new Narrator(await person('auditor', 'auditor-demo'));
  const product = await person('department_handler', 'product-guo', 'product');
  const marketing = await person('department_handler', 'marketing-hu', 'marketing');
  const run = randomUUID().slice(0, 8);
  const contact = (overrides) => ({
    sourceSystem: 'demo',
    externalId: `${run}-${randomUUID().slice(0, 8)}`,
    channel: 'hotline',
    type: 'consultation',
    customer: { name: 'Wang Fang', phone: '+86 139 1234 5678', email: 'wang.fang@example.com' },
    subject: 'Opening hours',
    description: 'When is the service centre open on Sundays?',
    ...overrides,
  });
  const post = async (who, service, path, body, label) => {
    const response = await call(who, 'POST', service, path, body);
    console.log(`    ${label}: HTTP ${response.status}${response.status >= 400 ? ` ${JSON.stringify(response.body)}` : ''}`);
    return response;
  };
  const queueRow = (department, ticketId, who, where = () => true) =>
    waitFor(async () => {
      const response = await call(who, 'GET', 'routing', `/v1/departments/${department}/queue?limit=500`);
      return response.body?.items?.find((row) => row.ticketId === ticketId && where(row));
    }, `${ticketId} in ${department}'s queue`);
  const awaiting = (ticketId, round) =>
    waitFor(async () => {
      const response = await call(cs, 'GET', 'followup', '/v1/followups?arrived=result&limit=200');
      return response.body?.items?.find((item) => item.ticketId === ticketId && item.round === round);
    }, `${ticketId} on the CS worklist`);

  console.log('\n1. A consultation answered at first contact');
  step('the hotline system posts the contact to intake');
  let ticketId = (await post(upstream, 'intake', '/v1/contacts', contact(), 'POST /v1/contacts')).body.ticketId;
  await narrator.events(ticketId, has('TicketClassified'));
  step('posting the very same contact again (the upstream retried)');
  await post(upstream, 'intake', '/v1/contacts', contact({ externalId: (await call(cs, 'GET', 'intake', `/v1/tickets/${ticketId}`)).body.contact.externalId }), 'POST /v1/contacts again');
  step('CS answers at once');
  await post(cs, 'intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'We are open 09:00–17:00 on Sundays.' }, 'first-contact answer');
  await awaiting(ticketId, 0);
  await narrator.events(ticketId, has('ConfirmationRequested'));
  step('CS calls the customer back: satisfied');
  await post(cs, 'followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true }, 'confirmation');
  await narrator.events(ticketId, has('TicketClosed'));

  console.log('\n2. A complaint: department and management at once, an update management asks for, apology, corrective action and cause');
  step('a customer complains on the website chat');
  ticketId = (
    await post(upstream, 'intake', '/v1/contacts', contact({ channel: 'web_chat', type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' }), 'POST /v1/contacts')
  ).body.ticketId;
  const row = await queueRow('billing', ticketId, management, (found) => found.handlerId);
  await narrator.events(ticketId, has('HandlerAssigned', 'ManagementInvolved'));
  const billing = await person('department_handler', row.handlerId, 'billing');
  step('management asks billing for an update');
  await post(management, 'routing', `/v1/tickets/${ticketId}/update-requests`, { message: 'The customer called again: when is the refund made?' }, 'update request');
  step(`${row.handlerId} reports progress (the answer), then the result with the complaint's cause`);
  await post(billing, 'routing', `/v1/tickets/${ticketId}/progress`, { note: 'Found the duplicate capture; refund under way.' }, 'progress');
  await post(billing, 'routing', `/v1/tickets/${ticketId}/result`, { summary: 'Refunded.' }, 'result without apology (refused)');
  await post(
    billing,
    'routing',
    `/v1/tickets/${ticketId}/result`,
    { summary: 'The duplicate charge was refunded.', apology: 'We are sorry for charging you twice.', correctiveAction: 'Payment retries now check for an existing capture.', cause: 'billing_error' },
    'result with apology and corrective action',
  );
  await awaiting(ticketId, 1);
  await narrator.events(ticketId, has('ConfirmationRequested'));
  step('the customer is satisfied');
  await post(cs, 'followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true }, 'confirmation');
  await narrator.events(ticketId, has('HandlingClosed'));

  console.log('\n3. Not satisfied once, passed to another department and back, then satisfied');
  step('a customer sends product feedback by e-mail');
  ticketId = (await post(upstream, 'intake', '/v1/contacts', contact({ channel: 'email', type: 'feedback', subject: 'Export to spreadsheet', description: 'The monthly report should export to a spreadsheet.' }), 'POST /v1/contacts')).body.ticketId;
  await queueRow('product', ticketId, product);
  await narrator.events(ticketId, has('TicketRouted'));
  step('product-guo claims it, then passes it to marketing, which passes it back');
  await post(product, 'routing', `/v1/tickets/${ticketId}/claim`, {}, 'claim');
  await post(product, 'routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'marketing', reason: 'sounds like a campaign request' }, 'transfer to marketing');
  await post(marketing, 'routing', `/v1/tickets/${ticketId}/transfer/accept`, {}, 'marketing accepts');
  await post(marketing, 'routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'product', reason: 'it is a product feature' }, 'transfer back to product');
  await post(product, 'routing', `/v1/tickets/${ticketId}/transfer/accept`, {}, 'product accepts');
  await queueRow('product', ticketId, product, (found) => !found.pendingTransfer && found.department === 'product');
  await post(product, 'routing', `/v1/tickets/${ticketId}/claim`, {}, 'claim again');
  await post(product, 'routing', `/v1/tickets/${ticketId}/result`, { summary: 'Spreadsheet export added.' }, 'result');
  await awaiting(ticketId, 1);
  await narrator.events(ticketId, has('ConfirmationRequested'));
  step('the customer is not satisfied: the ticket goes back for a second round');
  await post(cs, 'followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: false, objection: 'The export drops the totals row.' }, 'objection');
  await queueRow('product', ticketId, product, (found) => found.round === 2);
  await narrator.events(ticketId, has('TicketReopened'));
  await post(product, 'routing', `/v1/tickets/${ticketId}/result`, { summary: 'Totals row included.' }, 'second result');
  await awaiting(ticketId, 2);
  await post(cs, 'followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true }, 'confirmation');
  const timeline = await narrator.events(ticketId, has('HandlingClosed'));
  const figures = timeline.lifecycle;
  console.log(`\n    lifecycle: ${figures.rounds} rounds, departments ${figures.departmentsVisited.join(' → ')}, first response after ${Number(figures.firstResponseMinutes).toFixed(1)} min, outcome ${figures.outcome}`);

  console.log('\n4. A late ticket escalates (needs the routing service started with ALLOW_CLOCK_OVERRIDE=true)');
  ticketId = (await post(upstream, 'intake', '/v1/contacts', contact({ subject: 'Urgent: branch outage', description: 'Urgent: nothing works at our branch.' }), 'POST /v1/contacts')).body.ticketId;
  const late = await queueRow('customer_care', ticketId, management);
  const asOf = new Date(new Date(late.deadlines.firstResponseDueAt).getTime() + 7 * 24 * 3600_000).toISOString();
  const check = await post(management, 'routing', '/v1/deadlines/check', { asOf }, `deadline check as of ${asOf}`);
  if (check.status === 200) await narrator.events(ticketId, has('ManagementInvolved'));
  else console.log('    (clock override is off: the deadline sweeper escalates it for real once its deadlines pass)');
  console.log('\nDone.');
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
