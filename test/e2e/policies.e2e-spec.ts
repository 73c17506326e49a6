import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Policies changed through the API while the services run: management changes the deadline policy
 * (routing's) and the KPI targets (evaluation's); routing computes the next ticket's deadlines under
 * the new version and evaluation applies both, with no restart. A bad document is refused naming the
 * field (in English and Chinese), a change made on a stale version is refused, and only management
 * changes a policy; nothing is written by a refusal.
 *
 * Deadlines count clock time (the default counts business hours, and a run at night would move nothing).
 */
const MINUTE = 60_000;
const directory = mkdtempSync(join(tmpdir(), 'policies-'));
const deadlines = (version: string, resolution: number) => ({ version, firstResponseMinutes: { default: 30 }, resolutionMinutes: { default: resolution }, countIn: 'clock' });
const file = join(directory, 'deadlines.json');
writeFileSync(file, JSON.stringify(deadlines('e2e-policy-1', 240)));

describe('policies changed while the services run', () => {
  let system: TestSystem;
  let management: ReturnType<TestSystem['as']>;
  let manager: ReturnType<TestSystem['as']>;

  beforeAll(async () => {
    // One instance of each service, its timer as long as it goes: a change is in force because the
    // consumer that applied it told its own instance, not because a timer came round.
    system = await TestSystem.start({ DEADLINE_POLICY_FILE: file, POLICY_REFRESH_INTERVAL_MS: '300000' });
    management = system.as({ token: system.token('management', 'director-wang') });
    manager = system.as({ token: system.token('department_manager', 'product-manager-xu', 'product') });
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** Product feedback, routed: its deadlines as routing computed them. */
  async function routedDeadlines(subject: string): Promise<{ from: string; resolutionDueAt: string; policyVersion: string }> {
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'feedback', subject, description: `${subject}, please.` }));
    expect(opened.status).toBe(201);
    const routed = await eventually(async () => {
      const ticket = await manager.get('routing', `/v1/tickets/${opened.body.ticketId}`);
      return ticket.body?.deadlines ? ticket.body : undefined;
    }, 'the ticket to be routed');
    return routed.deadlines;
  }
  const minutesAllowed = (due: { from: string; resolutionDueAt: string }) => (Date.parse(due.resolutionDueAt) - Date.parse(due.from)) / MINUTE;

  it('changes the deadlines of the next ticket, and the KPIs recalculated under today’s policy, without a restart', async () => {
    const file = await management.get('routing', '/v1/policies/deadlines');
    expect(file.body).toMatchObject({ kind: 'deadlines', version: 0, source: 'file', appliedVersion: 0, document: { version: 'e2e-policy-1' } });
    const before = await routedDeadlines('Export before the change');
    expect(before.policyVersion).toBe('e2e-policy-1');
    expect(minutesAllowed(before)).toBe(240);

    const changed = await management.put('routing', '/v1/policies/deadlines', { expectedVersion: 0, reason: 'the new service standard: four times faster', document: deadlines('e2e-policy-2', 60) });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ kind: 'deadlines', version: 1, source: 'change', changedBy: 'director-wang', role: 'management', reason: 'the new service standard: four times faster' });
    // In force in routing once its consumer has applied it; evaluation takes routing's policy from the same topic.
    await eventually(async () => (await management.get('routing', '/v1/policies/deadlines')).body.appliedVersion === 1, 'routing to apply version 1');
    const after = await routedDeadlines('Export after the change');
    expect(after.policyVersion).toBe('e2e-policy-2');
    expect(minutesAllowed(after)).toBe(60);
    await eventually(async () => (await management.get('evaluation', '/v1/kpis?policy=now')).body.policy?.deadlinePolicyVersions?.[0] === 'e2e-policy-2', 'evaluation to apply routing’s version 1');

    const history = await manager.get('routing', '/v1/policies/deadlines/history');
    expect(history.status).toBe(200);
    expect(history.body.versions.map((version: { version: number; source: string }) => [version.version, version.source])).toEqual([
      [1, 'change'],
      [0, 'file'],
    ]);
  });

  it('refuses a bad document naming the field, a stale version, and anyone but management, writing nothing', async () => {
    const current = (await management.get('routing', '/v1/policies/deadlines')).body.version as number;
    const bad = { ...deadlines('e2e-policy-3', 120), resolutionMinutes: { default: 0 } };
    const english = await management.put('routing', '/v1/policies/deadlines', { expectedVersion: current, reason: 'a typo', document: bad });
    expect(english.status).toBe(400);
    expect(english.body.fields.map((field: { field: string }) => field.field)).toEqual(['document.resolutionMinutes.default']);
    expect(english.body.fields[0].message).toMatch(/resolutionMinutes\.default/);
    const chinese = await management.put('routing', '/v1/policies/deadlines', { expectedVersion: current, reason: '笔误', document: bad }, { 'accept-language': 'zh-CN' });
    expect(chinese.status).toBe(400);
    expect(chinese.body.fields[0].field).toBe('document.resolutionMinutes.default');
    expect(chinese.body.fields[0].message).toMatch(/[\u4e00-\u9fff]/);

    const stale = await management.put('routing', '/v1/policies/deadlines', { expectedVersion: current - 1, reason: 'made on an old copy', document: deadlines('e2e-policy-3', 120) });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain(`version ${current}`);

    const notManagement = await manager.put('routing', '/v1/policies/deadlines', { expectedVersion: current, reason: 'my department wants longer', document: deadlines('e2e-policy-3', 480) });
    expect(notManagement.status).toBe(403);

    // Owned by routing: evaluation says where it is changed.
    expect((await management.put('evaluation', '/v1/policies/deadlines', { expectedVersion: current, reason: 'wrong door', document: deadlines('e2e-policy-3', 120) })).status).toBe(404);
    const history = await management.get('routing', '/v1/policies/deadlines/history');
    expect(history.body.versions[0].version).toBe(current);
  });

  it('changes the KPI targets that figures are judged against, keeping the versions already in force', async () => {
    const file = await management.get('evaluation', '/v1/policies/kpi-targets');
    expect(file.body).toMatchObject({ kind: 'kpi-targets', version: 0, source: 'file' });
    const inForce = file.body.document.versions;
    const tomorrow = new Date(Date.now() + 24 * 60 * MINUTE).toISOString();
    const added = { version: 'targets-e2e', effectiveFrom: tomorrow, targets: { satisfactionRate: { min: 0.95 } } };

    const rewritten = await management.put('evaluation', '/v1/policies/kpi-targets', {
      expectedVersion: 0,
      reason: 'lower the bar for last year',
      document: { versions: [{ ...inForce[0], targets: { satisfactionRate: { min: 0.5 } } }] },
    });
    expect(rewritten.status).toBe(400);
    expect(rewritten.body.fields.map((field: { field: string }) => field.field)).toEqual(['document.versions.0']);

    const changed = await management.put('evaluation', '/v1/policies/kpi-targets', { expectedVersion: 0, reason: 'next year’s plan', document: { versions: [...inForce, added] } });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(1);
    await eventually(async () => (await management.get('evaluation', '/v1/kpis?policy=now')).body.policy?.targetsVersions?.[0] === 'targets-e2e', 'evaluation to judge by the new targets');
    // Figures judged "then" keep the targets in force at their time.
    expect((await management.get('evaluation', '/v1/kpis?policy=then')).body.policy.targetsVersions).not.toContain('targets-e2e');
    expect((await manager.put('evaluation', '/v1/policies/kpi-targets', { expectedVersion: 1, reason: 'mine', document: { versions: [...inForce, added] } })).status).toBe(403);
  });

  it('changes the routing rules and the inspection rubric the same way, each checked by its own rules', async () => {
    const rules = (await management.get('routing', '/v1/policies/routing-rules')).body;
    expect(rules).toMatchObject({ version: 0, source: 'file' });
    const toCare = { name: 'feedback-to-care', department: 'customer_care', types: ['feedback'], description: 'customer care answers feedback this quarter' };
    const unstaffed = await management.put('routing', '/v1/policies/routing-rules', { expectedVersion: 0, reason: 'a new desk', document: { ...rules.document, rules: [{ ...toCare, department: 'nowhere' }, ...rules.document.rules] } });
    expect(unstaffed.status).toBe(400);
    expect(unstaffed.body.fields.map((field: { field: string }) => field.field)).toEqual(['document.rules.0.department']);
    const changed = await management.put('routing', '/v1/policies/routing-rules', { expectedVersion: 0, reason: 'customer care answers feedback this quarter', document: { ...rules.document, rules: [toCare, ...rules.document.rules] } });
    expect(changed.status).toBe(200);
    await eventually(async () => (await management.get('routing', '/v1/policies/routing-rules')).body.appliedVersion === 1, 'routing to apply the new rules');
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'feedback', subject: 'Feedback after the change', description: 'The export works now.' }));
    await eventually(async () => (await management.get('routing', `/v1/tickets/${opened.body.ticketId}`)).body?.department === 'customer_care', 'the feedback to reach customer care');

    const rubric = (await management.get('evaluation', '/v1/policies/qa-rubric')).body;
    const same = await management.put('evaluation', '/v1/policies/qa-rubric', { expectedVersion: 0, reason: 'a stricter pass mark', document: { ...rubric.document, passMark: 70 } });
    expect(same.status).toBe(400);
    expect(same.body.fields.map((field: { field: string }) => field.field)).toEqual(['document.version']);
    const stricter = await management.put('evaluation', '/v1/policies/qa-rubric', { expectedVersion: 0, reason: 'a stricter pass mark', document: { ...rubric.document, version: 'rubric-e2e', passMark: 70 } });
    expect(stricter.status).toBe(200);
    const qa = system.as({ token: system.token('qa', 'inspector-1') });
    await eventually(async () => (await qa.get('evaluation', '/v1/qa/rubric')).body?.version === 'rubric-e2e', 'inspections to score against the new rubric');
  });

  it('changes the organisation, keeping every department the routing rules in force route to', async () => {
    const organisation = (await management.get('routing', '/v1/policies/organisation')).body;
    const departments = organisation.document.departments as { id: string; handlers: { id: string; name: string; skills: string[] }[] }[];
    const withoutCare = departments.filter((department) => department.id !== 'customer_care');
    const dropped = await management.put('routing', '/v1/policies/organisation', { expectedVersion: 0, reason: 'customer care merges into CS', document: { departments: withoutCare } });
    expect(dropped.status).toBe(400);
    expect(dropped.body.fields.map((field: { field: string }) => field.field)).toEqual(['document.departments']);

    const hired = departments.map((department) =>
      department.id === 'product' ? { ...department, handlers: [...department.handlers, { id: 'product-e2e-new', name: 'New Colleague', skills: [] }] } : department,
    );
    expect((await management.put('routing', '/v1/policies/organisation', { expectedVersion: 0, reason: 'a new product handler', document: { departments: hired } })).status).toBe(200);
    await eventually(async () => {
      const directory = await manager.get('routing', '/v1/departments');
      return directory.body.departments.find((department: { id: string }) => department.id === 'product')?.handlers.some((handler: { id: string }) => handler.id === 'product-e2e-new');
    }, 'the directory to list the new handler');
  });

  it('changes the classification rules intake classifies the next contact by', async () => {
    const rules = (await management.get('intake', '/v1/policies/classification')).body;
    const urgent = { name: 'e2e-hospital', priority: 'urgent', keywords: ['hospital ward'] };
    const changed = await management.put('intake', '/v1/policies/classification', {
      expectedVersion: 0,
      reason: 'hospitals wait on us',
      document: { ...rules.document, version: 'classification-e2e', priorityRules: [urgent, ...rules.document.priorityRules] },
    });
    expect(changed.status).toBe(200);
    await eventually(async () => (await management.get('intake', '/v1/policies/classification')).body.appliedVersion === 1, 'intake to apply the new rules');
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'feedback', subject: 'Export for the hospital ward', description: 'The hospital ward needs the export.' }));
    expect(opened.status).toBe(201);
    await eventually(async () => (await management.get('routing', `/v1/tickets/${opened.body.ticketId}`)).body?.priority === 'urgent', 'the contact to be classified urgent');
  });
});
