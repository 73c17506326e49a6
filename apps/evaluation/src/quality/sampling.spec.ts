import { seededRandom, type Channel } from '@handoff/contracts';
import { FIXED_IDS, recordedMarchHistory } from '../kpis/march.fixture';
import { serviceRecordsFromEvents } from '../records/service-record';
import { DEFAULT_SAMPLING_POLICY, drawSample, populationDigest, populationOf, previousPeriod, samplingRuleFor, type SampleCandidate } from './sampling';
import { drawCoveringSample } from './sampling.v1';

/**
 * 40 records, lopsided on purpose: agent-a has 30 web-chat records; agent-b 5 on the hotline;
 * agent-c 3 by e-mail; agent-d one web chat and one visit. A plain 10% draw (4 records) would
 * usually miss agent-c and agent-d.
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
    const random = seededRandom(42);
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

  it('keeps to its size: 10 % of 37 records is 4, however many agents and channels there are', () => {
    const crowd: SampleCandidate[] = Array.from({ length: 37 }, (_, i) => ({
      ticketId: `t-${String(i).padStart(2, '0')}`,
      agents: [`agent-${String(i % 16).padStart(2, '0')}`],
      channel: (['web_chat', 'hotline', 'email', 'visit', 'message_board'] as const)[i % 5] as Channel,
    }));
    for (let seed = 0; seed < 200; seed++) {
      const sample = drawSample(crowd, 0.1, seed);
      expect(sample.targetSize).toBe(4);
      expect(sample.ticketIds).toHaveLength(4);
      expect(new Set(sample.ticketIds).size).toBe(4);
      // Four records, four different agents: coverage is spread before anyone gets a second record.
      expect(sample.sampledAgents).toHaveLength(4);
    }
    // The original method took one record per agent first: 16 of 37.
    expect(drawCoveringSample(crowd, 0.1, 1).ticketIds).toHaveLength(16);
  });

  it('shares the size among the channels in proportion, by largest remainder', () => {
    // 4 records of 40: web chat 31 → 3.1, hotline 5 → 0.5, e-mail 3 → 0.3, visit 1 → 0.1; the fourth goes to the hotline's 0.5.
    for (const seed of [1, 2, 3, 99]) {
      const sample = drawSample(population, 0.1, seed);
      expect(sample.allocation).toEqual([
        { channel: 'email', population: 3, sampled: 0 },
        { channel: 'hotline', population: 5, sampled: 1 },
        { channel: 'visit', population: 1, sampled: 0 },
        { channel: 'web_chat', population: 31, sampled: 3 },
      ]);
      const chosen = population.filter((candidate) => sample.ticketIds.includes(candidate.ticketId));
      expect(chosen.filter((candidate) => candidate.channel === 'web_chat')).toHaveLength(3);
      expect(chosen.filter((candidate) => candidate.channel === 'hotline')).toHaveLength(1);
      // Within web chat the agents not yet in the sample come first: agent-d's one web chat is always taken.
      expect(sample.ticketIds).toContain('d-0');
      expect(sample.sampledAgents).toEqual(['agent-a', 'agent-b', 'agent-d']);
    }
    // 30 % (12): 9.3, 1.5, 0.9, 0.3 → 9, 1, 0, 0 and two left: e-mail's 0.9, then the hotline's 0.5.
    expect(drawSample(population, 0.3, 5).allocation.map((share) => [share.channel, share.sampled])).toEqual([
      ['email', 1],
      ['hotline', 2],
      ['visit', 0],
      ['web_chat', 9],
    ]);
  });

  it('rotates through the agents across periods: those not sampled the period before come first', () => {
    // Six agents with four records each on one channel; 10 % of 24 is 3 records a period.
    const team: SampleCandidate[] = Array.from({ length: 24 }, (_, i) => ({ ticketId: `r-${String(i).padStart(2, '0')}`, agents: [`agent-${i % 6}`], channel: 'hotline' }));
    for (let seed = 0; seed < 50; seed++) {
      const first = drawSample(team, 0.1, seed);
      expect(first.sampledAgents).toHaveLength(3);
      const second = drawSample(team, 0.1, seed + 1000, first.sampledAgents);
      expect(second.sampledAgents).toHaveLength(3);
      // The second period inspects the other three agents: everyone once over two periods.
      expect(second.sampledAgents.filter((agent) => first.sampledAgents.includes(agent))).toEqual([]);
      // And it stays reproducible from the seed and the agents recorded as sampled before.
      expect(drawSample([...team].reverse(), 0.1, seed + 1000, [...first.sampledAgents].reverse())).toEqual(second);
    }
  });

  it('still redraws the samples of the original method exactly (every agent and channel first)', () => {
    for (let seed = 0; seed < 100; seed++) {
      const sample = drawCoveringSample(population, 0.1, seed);
      const chosen = population.filter((candidate) => sample.ticketIds.includes(candidate.ticketId));
      expect(new Set(chosen.flatMap((candidate) => candidate.agents))).toEqual(new Set(['agent-a', 'agent-b', 'agent-c', 'agent-d']));
      expect(new Set(chosen.map((candidate) => candidate.channel))).toEqual(new Set(['web_chat', 'hotline', 'email', 'visit']));
      expect(sample.ticketIds).toHaveLength(4);
    }
  });

  it('names the period before: weeks across a year end, months across a year', () => {
    expect(previousPeriod('2025-W10', 'Asia/Shanghai')).toBe('2025-W09');
    expect(previousPeriod('2026-W01', 'Asia/Shanghai')).toBe('2025-W52');
    expect(previousPeriod('2021-W01', 'Asia/Shanghai')).toBe('2020-W53');
    expect(previousPeriod('2025-01', 'Asia/Shanghai')).toBe('2024-12');
    expect(previousPeriod('2025-03', 'Europe/Berlin')).toBe('2025-02');
  });

  it('draws the team policy’s share: ceil(rate × population), never more than the population', () => {
    expect(drawSample(population, 0.3, 9).ticketIds).toHaveLength(12); // ceil(0.3 × 40)
    expect(drawSample(population, 0.15, 9).ticketIds).toHaveLength(6); // ceil(0.15 × 40)
    expect(drawSample(population, 1, 9).ticketIds).toHaveLength(40);
    expect(drawSample(population.slice(0, 3), 0.1, 9).ticketIds).toHaveLength(1); // ceil(0.3)
    expect(drawSample(population, 0.1, 9)).toMatchObject({ agents: ['agent-a', 'agent-b', 'agent-c', 'agent-d'], channels: ['email', 'hotline', 'visit', 'web_chat'] });
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
