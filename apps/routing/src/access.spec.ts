import type { Actor } from '@handoff/contracts';
import { assertMayRead, needsContactDetails } from './access';

const handler = (department: string): Actor => ({ id: `h-${department}`, role: 'department_handler', department });
const manager = (department: string): Actor => ({ id: `m-${department}`, role: 'department_manager', department });

describe('who needs the customer’s contact details', () => {
  it.each([
    ['a handler of the department that has the ticket', handler('billing'), true],
    ['a manager of the department that has the ticket', manager('billing'), true],
    ['CS, who calls the customer back', { id: 'cs-1', role: 'cs' } as Actor, true],
    ['a handler of another department', handler('logistics'), false],
    ['a department role without a department', { id: 'h-x', role: 'department_handler' } as Actor, false],
    ['management', { id: 'd-1', role: 'management' } as Actor, false],
    ['QA', { id: 'q-1', role: 'qa' } as Actor, false],
    ['an auditor', { id: 'a-1', role: 'auditor' } as Actor, false],
  ])('%s: %s', (_who, actor, expected) => {
    expect(needsContactDetails(actor, 'billing')).toBe(expected);
  });

  it('keeps a department to its own tickets before anything is shown', () => {
    expect(() => assertMayRead(handler('logistics'), ['billing'])).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertMayRead(handler('logistics'), ['billing', 'logistics'])).not.toThrow();
    expect(() => assertMayRead({ id: 'd-1', role: 'management' }, ['billing'])).not.toThrow();
  });
});
