import type { Channel } from '@handoff/contracts';
import { FIXED_IDS, recordedMarchHistory } from '../kpis/march.fixture';
import { serviceRecordsFromEvents } from '../records/service-record';
import { DEFAULT_SAMPLING_POLICY, drawSample, mulberry32, populationDigest, populationOf, samplingRuleFor, type SampleCandidate } from './sampling';

/**
 * 40 records, lopsided on purpose: agent-a has 30 web-chat records; agent-b 5 on the hotline;
 * agent-c 3 by e-mail; agent-d one web chat and one visit. A plain 10% draw (4 records) would
 * usually miss agent-c, agent-d and the visit channel.
 */
const population: SampleCandidate[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ ticketId: `a-${String(i).padStart(2, '0')}`, agents: ['agent-a'], channel: 'web_chat' as Channel })),
  ...Array.from({ length: 5 }, (_, i) => ({ ticketId: `b-${i}`, agents: ['agent-b'], channel: 'hotline' as Channel })),
  ...Array.from({ length: 3 }, (_, i) => ({ ticketId: `c-${i}`, agents: ['agent-c'], channel: 'email' as Channel })),
  { ticketId: 'd-0', agents: ['agent-d'], channel: 'web_chat' },
  { ticketId: 'd-1', agents: ['agent-d'], channel: 'visit' },
];

describe('quality sampling', () => {
  it('the generator is mulberry32: the same numbers for the same seed on every machine', () => {
    const random = mulberry32(42);
    expect([random(), random(), random()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('given the same population and seed, then the same sample, whatever order the records came in', () => {
    const first = drawSample(population, 0.1, 20250303);
    expect(drawSample([...population].reverse(), 0.1, 20250303)).toEqual(first);
    expect(drawSample(population, 0.1, 20250303)).toEqual(first);
  });

  it('given another seed, then another sample', () => {
    const samples = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(drawSample(population, 0.1, seed).ticketIds)));
    expect(samples.size).toBe(5);
    expect(drawSample(population, 0.1, 7).ticketIds).not.toEqual(drawSample(population, 0.1, 8).ticketIds);
  });

  it('represents every agent and every channel, for any seed, with as few extra records as that takes', () => {
    for (let seed = 0; seed < 300; seed++) {
      const sample = drawSample(population, 0.1, seed);
      const chosen = population.filter((candidate) => sample.ticketIds.includes(candidate.ticketId));
      expect(new Set(chosen.flatMap((candidate) => candidate.agents))).toEqual(new Set(['agent-a', 'agent-b', 'agent-c', 'agent-d']));
      expect(new Set(chosen.map((candidate) => candidate.channel))).toEqual(new Set(['web_chat', 'hotline', 'email', 'visit']));
      expect(sample.targetSize).toBe(4); // ceil(0.1 × 40)
      // Four agents and four channels: agent-d's visit covers both, so four records always suffice.
      expect(sample.ticketIds).toHaveLength(4);
      expect(new Set(sample.ticketIds).size).toBe(4);
    }
    expect(drawSample(population, 0.1, 1)).toMatchObject({ agents: ['agent-a', 'agent-b', 'agent-c', 'agent-d'], channels: ['email', 'hotline', 'visit', 'web_chat'] });
  });

  it('draws the team policy’s share: ceil(rate × population), never more than the population', () => {
    expect(drawSample(population, 0.3, 9).ticketIds).toHaveLength(12); // ceil(0.3 × 40)
    expect(drawSample(population, 0.15, 9).ticketIds).toHaveLength(6); // ceil(0.15 × 40)
    expect(drawSample(population, 1, 9).ticketIds).toHaveLength(40);
    expect(drawSample(population.slice(0, 3), 0.1, 9).ticketIds).toHaveLength(1); // ceil(0.3) for one agent, one channel
  });

  it('applies the team’s own rate, else its size class, else the default: 10% weekly, small 30% monthly, large 15% weekly', () => {
    const policy = {
      ...DEFAULT_SAMPLING_POLICY,
      teams: { cs: { members: 40 }, billing: { members: 4 }, logistics: { members: 12 }, product: { members: 3, cadence: 'week' as const, rate: 0.5 } },
    };
    expect(samplingRuleFor(policy, 'cs')).toEqual({ version: 'sampling-1', rule: 'large', cadence: 'week', rate: 0.15 });
    expect(samplingRuleFor(policy, 'billing')).toEqual({ version: 'sampling-1', rule: 'small', cadence: 'month', rate: 0.3 });
    expect(samplingRuleFor(policy, 'logistics')).toEqual({ version: 'sampling-1', rule: 'default', cadence: 'week', rate: 0.1 });
    expect(samplingRuleFor(policy, 'unknown')).toEqual({ version: 'sampling-1', rule: 'default', cadence: 'week', rate: 0.1 });
    expect(samplingRuleFor(policy, 'product')).toEqual({ version: 'sampling-1', rule: 'team', cadence: 'week', rate: 0.5 });
  });

  it('the population of a team and period: CS by its agents, a department by its handlers, in local periods', () => {
    const records = serviceRecordsFromEvents(recordedMarchHistory(FIXED_IDS));
    const ids = (candidates: readonly SampleCandidate[]) => candidates.map((candidate) => candidate.ticketId);
    // Week 10: T1–T5 have a CS agent on them; T6 (week 11) has none, T7 is February.
    expect(populationOf(records, 'cs', '2025-W10', 'Asia/Shanghai').map((c) => [c.ticketId, c.agents, c.channel])).toEqual([
      [FIXED_IDS.T1, ['agent-a'], 'web_chat'],
      [FIXED_IDS.T2, ['agent-b'], 'hotline'],
      [FIXED_IDS.T3, ['agent-a'], 'email'],
      [FIXED_IDS.T4, ['agent-a'], 'web_chat'],
      [FIXED_IDS.T5, ['agent-c'], 'social_media'],
    ]);
    expect(ids(populationOf(records, 'billing', '2025-03', 'Asia/Shanghai'))).toEqual([FIXED_IDS.T2, FIXED_IDS.T6]);
    expect(populationOf(records, 'product', '2025-W10', 'Asia/Shanghai').map((c) => c.agents)).toEqual([['h-bo'], ['h-bo']]);
    expect(populationOf(records, 'cs', '2025-W11', 'Asia/Shanghai')).toEqual([]);
  });

  it('digests the population, so a redraw can tell it saw the same records', () => {
    expect(populationDigest(population)).toBe(populationDigest([...population].reverse()));
    expect(populationDigest(population)).not.toBe(populationDigest(population.slice(1)));
    expect(populationDigest(population)).toMatch(/^[0-9a-f]{64}$/);
  });
});
