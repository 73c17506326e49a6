import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * The eight scenarios of a ticket's life (../shared/DOMAIN.md), each through the public HTTP
 * APIs of the four running services, which talk to each other only over Kafka.
 */
describe('a ticket’s life across intake, routing, follow-up and evaluation', () => {
  let system: TestSystem;
  let upstream: ReturnType<TestSystem['as']>;
  let cs: ReturnType<TestSystem['as']>;
  let management: ReturnType<TestSystem['as']>;
  let auditor: ReturnType<TestSystem['as']>;
  const handler = (id: string, department: string) => system.as({ token: system.token('department_handler', id, department) });
  const manager = (id: string, department: string) => system.as({ token: system.token('department_manager', id, department) });

  beforeAll(async () => {
    system = await TestSystem.start({ ALLOW_CLOCK_OVERRIDE: 'true', ORGANISATION_FILE: `${__dirname}/organisation.json` });
    upstream = system.as({ apiKey: UPSTREAM_KEY });
    cs = system.as({ token: system.token('cs', 'agent-1') });
    management = system.as({ token: system.token('management', 'director-1') });
    auditor = system.as({ token: system.token('auditor', 'auditor-1') });
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function open(overrides: Record<string, unknown>): Promise<string> {
    const response = await upstream.post('intake', '/v1/contacts', contact(overrides));
    expect(response.status).toBe(201);
    return response.body.ticketId;
  }

  async function timelineOf(ticketId: string, until: (types: string[]) => boolean) {
    return eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${ticketId}/timeline`);
      if (response.status !== 200) return undefined;
      const types: string[] = response.body.entries.map((entry: { type: string }) => entry.type);
      return until(types) ? response.body : undefined;
    }, `the timeline of ${ticketId}`);
  }

  async function awaitingConfirmation(ticketId: string, round: number) {
    return eventually(async () => {
      const response = await cs.get('followup', '/v1/followups');
      return response.body.awaitingConfirmation.find((item: { ticketId: string; round: number }) => item.ticketId === ticketId && item.round === round);
    }, `${ticketId} to await confirmation of round ${round}`);
  }

  async function queueRow(department: string, ticketId: string, as = manager(`manager-${department}`, department), where: (row: any) => boolean = () => true) {
    return eventually(async () => {
      const response = await as.get('routing', `/v1/departments/${department}/queue`);
      const row = (response.body.tickets ?? response.body).find?.((item: { ticketId: string }) => item.ticketId === ticketId);
      return row && where(row) ? row : undefined;
    }, `${ticketId} in ${department}'s queue`);
  }

  it('1. a consultation answered at first contact is confirmed and closed', async () => {
    const ticketId = await open({ subject: 'Opening hours', description: 'When are you open on Sunday?' });
    const answer = await cs.post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'We are open 09:00-17:00 on Sundays.' });
    expect(answer.status).toBe(200);
    await awaitingConfirmation(ticketId, 0);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);

    const timeline = await timelineOf(ticketId, (types) => types.includes('TicketClosed'));
    expect(timeline.entries.map((entry: { type: string }) => entry.type)).toEqual([
      'ContactRecorded',
      'TicketClassified',
      'AnsweredAtFirstContact',
      'ConfirmationRequested',
      'CustomerConfirmedSatisfaction',
      'TicketClosed',
    ]);
    expect(timeline.lifecycle).toMatchObject({ outcome: 'satisfied', resolvedAtFirstContact: true });
  });

  it('7. the same contact posted twice is one ticket', async () => {
    const payload = contact({ externalId: `dup-${system.suffix}` });
    const first = await upstream.post('intake', '/v1/contacts', payload);
    const second = await upstream.post('intake', '/v1/contacts', payload);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.ticketId).toBe(first.body.ticketId);
    const timeline = await timelineOf(first.body.ticketId, (types) => types.includes('TicketClassified'));
    expect(timeline.entries.filter((entry: { type: string }) => entry.type === 'ContactRecorded')).toHaveLength(1);
  });
});
