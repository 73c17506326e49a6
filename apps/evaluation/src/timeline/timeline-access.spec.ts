import type { Actor } from '@handoff/contracts';
import { assertMayReadTimeline, currentDepartment, departmentsConcerned, mayReadContactDetails } from './timeline-access';

const visited = ['billing', 'logistics'];

describe('who may read a ticket’s timeline', () => {
  it.each([
    ['a handler of a department that held it', { id: 'h-1', role: 'department_handler', department: 'logistics' }],
    ['a manager of a department that held it', { id: 'm-1', role: 'department_manager', department: 'billing' }],
    ['CS', { id: 'cs-1', role: 'cs' }],
    ['management', { id: 'd-1', role: 'management' }],
    ['QA', { id: 'q-1', role: 'qa' }],
    ['an auditor', { id: 'a-1', role: 'auditor' }],
  ] as [string, Actor][])('lets %s read', (_who, actor) => {
    expect(() => assertMayReadTimeline(actor, visited)).not.toThrow();
  });

  it.each([
    ['a handler of a department that never held it', { id: 'h-2', role: 'department_handler', department: 'product' }, visited],
    ['a department role without a department', { id: 'h-3', role: 'department_handler' }, visited],
    ['a department, on a ticket no department held', { id: 'm-2', role: 'department_manager', department: 'billing' }, []],
  ] as [string, Actor, string[]][])('refuses %s', (_who, actor, departments) => {
    expect(() => assertMayReadTimeline(actor, departments)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('the departments concerned by a ticket', () => {
  it('are those that held it and those asked to take it over, each once', () => {
    const entries = [
      { type: 'TicketRouted', data: { department: 'billing' } },
      { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'a parcel' } },
      { type: 'TransferRefused', data: { toDepartment: 'logistics', reason: 'not ours' } },
      { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'product', reason: 'a feature' } },
      { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'product', reason: 'again' } },
    ];
    expect(departmentsConcerned(['billing'], entries)).toEqual(['billing', 'logistics', 'product']);
  });

  it('include a department asked for a part of the ticket (a sub-request): it reads what the ticket is about', () => {
    const concerned = departmentsConcerned(['billing'], [{ type: 'SubRequestOpened', data: { subRequestId: 's1', department: 'logistics', leadDepartment: 'billing' } }]);
    expect(concerned).toEqual(['billing', 'logistics']);
    expect(() => assertMayReadTimeline({ id: 'h-1', role: 'department_handler', department: 'logistics' }, concerned)).not.toThrow();
  });

  it('let a department asked to take a ticket read it before it accepts, and no other department', () => {
    const concerned = departmentsConcerned(['billing'], [{ type: 'TransferRequested', data: { toDepartment: 'logistics' } }]);
    expect(() => assertMayReadTimeline({ id: 'h-1', role: 'department_handler', department: 'logistics' }, concerned)).not.toThrow();
    expect(() => assertMayReadTimeline({ id: 'h-2', role: 'department_handler', department: 'product' }, concerned)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('who reads the contact details typed into a ticket’s words in clear', () => {
  const entries = [
    { type: 'TicketRouted', data: { department: 'billing' } },
    { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics' } },
    { type: 'TransferAccepted', data: { fromDepartment: 'billing', toDepartment: 'logistics' } },
    { type: 'NoteAdded', data: { text: 'passed on' } },
  ];

  it('is the department holding the ticket now, and CS', () => {
    expect(currentDepartment(entries)).toBe('logistics');
    expect(currentDepartment(entries.slice(0, 2))).toBe('billing');
    expect(currentDepartment([])).toBeNull();
    expect(mayReadContactDetails({ id: 'cs-1', role: 'cs' }, null)).toBe(true);
    expect(mayReadContactDetails({ id: 'h-1', role: 'department_handler', department: 'logistics' }, 'logistics')).toBe(true);
    expect(mayReadContactDetails({ id: 'm-1', role: 'department_manager', department: 'logistics' }, 'logistics')).toBe(true);
  });

  it.each([
    ['a department that held it before', { id: 'h-2', role: 'department_handler', department: 'billing' }],
    ['management', { id: 'd-1', role: 'management' }],
    ['QA', { id: 'q-1', role: 'qa' }],
    ['an auditor', { id: 'a-1', role: 'auditor' }],
  ] as [string, Actor][])('masks them for %s', (_who, actor) => {
    expect(mayReadContactDetails(actor, 'logistics')).toBe(false);
  });
});
