import { DeciderSpecification } from '@handoff/testing';
import { STAFFING_EVENTS, type Actor, type Role, type StaffingEvent } from '@handoff/contracts';
import type { Organisation } from '../organisation/organisation';
import { isAway, staffingDecider, type StaffingCommand } from './availability.decider';

const organisation: Organisation = {
  departments: [
    { id: 'billing', name: 'Billing', strategy: 'least_loaded', wipLimit: 2, handlers: [{ id: 'h-ana', name: 'Ana', skills: [] }, { id: 'h-bo', name: 'Bo', skills: [] }], managers: [{ id: 'm-mei', name: 'Mei' }] },
    { id: 'logistics', name: 'Logistics', strategy: 'round_robin', handlers: [{ id: 'h-lou', name: 'Lou', skills: [] }], managers: [] },
  ],
};
const NOW = new Date('2025-03-03T01:00:00.000Z');
const person = (id: string, role: Role, department?: string): Actor => ({ id, role, ...(department && { department }) });
const ana = person('h-ana', 'department_handler', 'billing');
const bo = person('h-bo', 'department_handler', 'billing');
const mei = person('m-mei', 'department_manager', 'billing');
const lin = person('m-lin', 'department_manager', 'logistics');
const director = person('d-zhou', 'management');
const cs = person('agent-1', 'cs');

const decider = staffingDecider('billing', organisation);
const specification = DeciderSpecification.for(decider, STAFFING_EVENTS);
const given = (...history: StaffingEvent[]) => specification.given(...history);
afterAll(() => specification.expectEveryEventEmitted());

const away = (handlerId: string, actor: Actor, until?: string): StaffingCommand => ({
  type: 'MarkAway',
  data: { handlerId, ...(until !== undefined && { until }) },
  metadata: { now: NOW, actor, correlationId: 'c', causationId: 'r' },
});
const back = (handlerId: string, actor: Actor): StaffingCommand => ({ type: 'MarkBack', data: { handlerId }, metadata: { now: NOW, actor, correlationId: 'c', causationId: 'r' } });
const anaAway: StaffingEvent = { type: 'HandlerMarkedAway', data: { department: 'billing', handlerId: 'h-ana' } };
const anaUntil9: StaffingEvent = { type: 'HandlerMarkedAway', data: { department: 'billing', handlerId: 'h-ana', until: '2025-03-03T09:00:00.000Z' } };

describe('a handler away and back', () => {
  it('is said by the handler, their manager or management, and by nobody else', () => {
    given().when(away('h-ana', ana)).then([anaAway]);
    given().when(away('h-ana', mei)).then([anaAway]);
    given().when(away('h-ana', director)).then([anaAway]);
    given().when(away('h-ana', bo)).thenThrows('FORBIDDEN');
    given().when(away('h-ana', lin)).thenThrows('FORBIDDEN');
    given().when(away('h-ana', cs)).thenThrows('FORBIDDEN');
    given(anaAway).when(back('h-ana', bo)).thenThrows('FORBIDDEN');
  });

  it('names a handler of the department and, if given, a future end within a year', () => {
    given().when(away('h-lou', director)).thenThrows('VALIDATION_FAILED', 'handlerId');
    given().when(away('h-ana', ana, 'tomorrow')).thenThrows('VALIDATION_FAILED', 'until');
    given().when(away('h-ana', ana, '2025-03-03T00:00:00.000Z')).thenThrows('VALIDATION_FAILED', 'until');
    given().when(away('h-ana', ana, '2027-03-03T00:00:00.000Z')).thenThrows('VALIDATION_FAILED', 'until');
    given()
      .when(away('h-ana', ana, '2025-03-03T17:00:00+08:00'))
      .then([{ type: 'HandlerMarkedAway', data: { department: 'billing', handlerId: 'h-ana', until: '2025-03-03T09:00:00.000Z' } }]);
  });

  it('records a change only: away twice is once, back when at work is nothing', () => {
    given(anaAway).when(away('h-ana', ana)).then([]);
    given().when(back('h-ana', ana)).then([]);
    given(anaAway).when(back('h-ana', mei)).then([{ type: 'HandlerBack', data: { department: 'billing', handlerId: 'h-ana' } }]);
  });

  it('ends an absence by itself at its until', () => {
    const state = decider.evolve(decider.initialState, anaUntil9);
    expect(isAway(state, 'h-ana', NOW)).toBe(true);
    expect(isAway(state, 'h-ana', new Date('2025-03-03T09:00:00.000Z'))).toBe(false);
    expect(isAway(state, 'h-bo', NOW)).toBe(false);
    // Past its end, saying it again is news.
    given(anaUntil9)
      .when({ ...away('h-ana', ana), metadata: { now: new Date('2025-03-03T10:00:00.000Z'), actor: ana, correlationId: 'c', causationId: 'r' } })
      .then([anaAway]);
  });
});
