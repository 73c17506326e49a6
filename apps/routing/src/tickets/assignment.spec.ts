import { type HandlerCandidate, chooseHandler, requiredSkillsOf } from './assignment';

const ticket = { category: 'billing', complaint: true, platform: 'wechat' };

const ana: HandlerCandidate = { handlerId: 'ana', openTickets: 4, skills: ['billing', 'complaint'], lastAssignedAt: '2025-03-03T01:00:00Z' };
const bo: HandlerCandidate = { handlerId: 'bo', openTickets: 1, skills: ['logistics'], lastAssignedAt: '2025-03-03T00:10:00Z' };
const cy: HandlerCandidate = { handlerId: 'cy', openTickets: 2, skills: ['billing'], lastAssignedAt: '2025-03-03T00:30:00Z' };
const di: HandlerCandidate = { handlerId: 'di', openTickets: 1, skills: [] };

describe('chooseHandler', () => {
  it('given no candidates, then nobody', () => {
    expect(chooseHandler('least_loaded', [], ticket)).toBeUndefined();
  });

  describe('round robin', () => {
    it('given someone never assigned, then them first', () => {
      expect(chooseHandler('round_robin', [ana, bo, cy, di], ticket)).toEqual({
        handlerId: 'di',
        reason: 'round robin: not assigned a ticket yet',
      });
    });

    it('given everyone assigned before, then whoever waited longest', () => {
      expect(chooseHandler('round_robin', [ana, bo, cy], ticket)).toEqual({
        handlerId: 'bo',
        reason: 'round robin: assigned least recently (2025-03-03T00:10:00Z)',
      });
    });

    it('given a tie, then the handler id decides (deterministic)', () => {
      const twin = { ...di, handlerId: 'ce' };
      expect(chooseHandler('round_robin', [di, twin], ticket)?.handlerId).toBe('ce');
    });
  });

  describe('least loaded', () => {
    it('given different loads, then the fewest open tickets; a tie goes to the least recently assigned', () => {
      expect(chooseHandler('least_loaded', [ana, bo, cy, di], ticket)).toEqual({
        handlerId: 'di',
        reason: 'least loaded: 1 open ticket, fewest of 4 candidates',
      });
      expect(chooseHandler('least_loaded', [ana, bo, cy], ticket)?.handlerId).toBe('bo');
    });
  });

  describe('skills', () => {
    it('the ticket asks for its category, complaint handling and its platform', () => {
      expect(requiredSkillsOf(ticket)).toEqual(['billing', 'complaint', 'wechat']);
      expect(requiredSkillsOf({ category: 'logistics', complaint: false })).toEqual(['logistics']);
    });

    it('given candidates with different skills, then the best match even if busier', () => {
      expect(chooseHandler('skills', [ana, bo, cy, di], ticket)).toEqual({
        handlerId: 'ana',
        reason: 'skills: has billing, complaint (2 of 3 asked); 4 open tickets',
      });
    });

    it('given equally skilled candidates, then the least loaded of them', () => {
      const ed = { ...ana, handlerId: 'ed', openTickets: 0 };
      expect(chooseHandler('skills', [ana, ed, cy], ticket)?.handlerId).toBe('ed');
    });

    it('given nobody with any of the skills, then the least loaded, saying so', () => {
      expect(chooseHandler('skills', [bo, di], ticket)).toEqual({
        handlerId: 'di',
        reason: 'skills: nobody has billing, complaint, wechat; least loaded instead (1 open ticket)',
      });
    });
  });
});
