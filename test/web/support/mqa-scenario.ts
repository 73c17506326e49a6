import { contact } from '../../support/contacts';
import { eventually, UPSTREAM_KEY, type TestSystem } from '../../support/system';

type Client = ReturnType<TestSystem['as']>;

export interface Scenario {
  /** A complaint handled by billing with an apology and a corrective action, confirmed satisfied. */
  readonly complaintClosed: string;
  /** A consultation answered at first contact, confirmed satisfied. */
  readonly consultation: string;
  /** Feedback passed product → marketing → product, resolved, confirmed satisfied. */
  readonly feedback: string;
  /** A complaint still open, escalated after its deadlines passed. */
  readonly complaintOpen: string;
}

/**
 * Tickets for the management, QA and audit consoles, driven through the services' APIs the way
 * upstream systems, CS and departments would (test/e2e/workflow and audit show each step).
 */
export async function setUpTickets(system: TestSystem): Promise<Scenario> {
  const upstream = system.as({ apiKey: UPSTREAM_KEY });
  const cs = system.as({ token: system.token('cs', 'agent-1') });
  const management = system.as({ token: system.token('management', 'director-1') });
  const handler = (id: string, department: string) => system.as({ token: system.token('department_handler', id, department) });

  const open = async (overrides: Record<string, unknown>): Promise<string> => {
    const response = await upstream.post('intake', '/v1/contacts', contact(overrides));
    if (response.status !== 201) throw new Error(`contact refused: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.ticketId as string;
  };
  const ok = async (call: Promise<{ status: number; body: unknown }>, what: string) => {
    const response = await call;
    if (response.status !== 200) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const confirmSatisfied = (ticketId: string) =>
    eventually(async () => (await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status === 200, `the confirmation of ${ticketId}`);
  const queueRow = (department: string, ticketId: string, as: Client, where: (row: { handlerId: string | null }) => boolean = () => true) =>
    eventually(async () => {
      const response = await as.get('routing', `/v1/departments/${department}/queue?limit=500`);
      const row = response.body.items?.find((item: { ticketId: string }) => item.ticketId === ticketId);
      return row && where(row) ? (row as { handlerId: string | null }) : undefined;
    }, `${ticketId} in ${department}'s queue`);

  const complaintClosed = await open({ type: 'complaint', channel: 'email', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' });
  const consultation = await open({ channel: 'web_chat', subject: 'Opening hours', description: 'When are you open on Sunday?' });
  const feedback = await open({ type: 'feedback', subject: 'Export', description: 'Please add a spreadsheet export.' });

  const billingRow = await queueRow('billing', complaintClosed, management, (row) => row.handlerId !== null);
  await ok(
    handler(billingRow.handlerId!, 'billing').post('routing', `/v1/tickets/${complaintClosed}/result`, {
      summary: 'The duplicate charge was refunded.',
      apology: 'We are sorry for charging you twice.',
      correctiveAction: 'Payment retries now check for an existing capture first.',
      cause: 'billing_error',
    }),
    'the complaint result',
  );
  await ok(cs.post('intake', `/v1/tickets/${consultation}/first-contact-answer`, { answer: 'We are open 09:00-17:00 on Sundays.' }), 'the first-contact answer');

  const product = handler('product-guo', 'product');
  const marketing = handler('marketing-hu', 'marketing');
  await eventually(async () => (await product.post('routing', `/v1/tickets/${feedback}/claim`)).status === 200, 'the claim');
  await ok(product.post('routing', `/v1/tickets/${feedback}/transfer`, { toDepartment: 'marketing', reason: 'campaign request' }), 'transfer to marketing');
  await ok(marketing.post('routing', `/v1/tickets/${feedback}/transfer/accept`), 'marketing accepts');
  await ok(marketing.post('routing', `/v1/tickets/${feedback}/transfer`, { toDepartment: 'product', reason: 'a product feature' }), 'transfer back');
  await ok(product.post('routing', `/v1/tickets/${feedback}/transfer/accept`), 'product accepts');
  await ok(product.post('routing', `/v1/tickets/${feedback}/claim`), 'the second claim');
  await ok(product.post('routing', `/v1/tickets/${feedback}/result`, { summary: 'Export added.' }), 'the feedback result');

  await confirmSatisfied(complaintClosed);
  await confirmSatisfied(consultation);
  await confirmSatisfied(feedback);

  // A complaint nobody answers: once its deadlines have passed (time injected, not slept) it is escalated.
  const complaintOpen = await open({ type: 'complaint', channel: 'hotline', subject: 'Charged again', description: 'I was charged twice again for the same invoice.' });
  const openRow = await queueRow('billing', complaintOpen, management);
  const due = Date.parse((openRow as unknown as { deadlines: { firstResponseDueAt: string } }).deadlines.firstResponseDueAt);
  await ok(management.post('routing', '/v1/deadlines/check', { asOf: new Date(due + 60_000).toISOString() }), 'the deadline check');

  // Evaluation's read models follow the topics: wait until the KPIs count every closed ticket and the escalation.
  await eventually(async () => {
    const kpis = await management.get('evaluation', '/v1/kpis');
    const list = await management.get('evaluation', '/v1/tickets?outcome=open');
    const escalated = list.body.items?.some((item: { ticketId: string; escalationCount: number }) => item.ticketId === complaintOpen && item.escalationCount > 0);
    return kpis.body.total?.figures.closedSatisfied === 3 && kpis.body.total.figures.tickets === 4 && escalated;
  }, 'evaluation to count the tickets', 30_000);

  return { complaintClosed, consultation, feedback, complaintOpen };
}
