import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  SAMPLING_CADENCES,
  seededRandom,
  type Channel,
  type ChannelAllocation,
  type SamplingCadence,
  type SamplingPolicyApplied,
  type SamplingRule,
  type Team,
} from '@handoff/contracts';
import type { ServiceRecord } from '../records/service-record';
import { granularityOf, isPeriod, periodBounds, periodOf, versionLabelSchema } from '@handoff/service-time';

/**
 * Quality sampling (DOMAIN.md, "Quality inspection"): each team's service records of a period,
 * sampled at the team's rate by a seeded random choice that keeps to the rate's size, shares it
 * among the channels in proportion, and rotates through the agents across periods. The same
 * population, policy, seed and previous samples always give the same sample; the seed and the
 * agents sampled the period before are recorded with the sample so anyone can redraw it.
 */

export const CS_TEAM = 'cs';

export interface SamplingRate {
  readonly cadence: SamplingCadence;
  /** Share of the records, 0 < rate ≤ 1. */
  readonly rate: number;
}

export interface SamplingPolicy {
  readonly version: string;
  /** Every team not small, not large and without a rate of its own. */
  readonly default: SamplingRate;
  /** Teams of at most `maxMembers` people. */
  readonly small: SamplingRate & { readonly maxMembers: number };
  /** Teams of at least `minMembers` people. */
  readonly large: SamplingRate & { readonly minMembers: number };
  /** Per team (`cs` or a department): its size, and optionally a rate of its own. Unknown teams take the default. */
  readonly teams: Readonly<Record<Team, { readonly members?: number } & Partial<SamplingRate>>>;
}

/** 10% of the records a week; small teams 30% a month; large teams 15% a week. */
export const DEFAULT_SAMPLING_POLICY: SamplingPolicy = {
  version: 'sampling-1',
  default: { cadence: 'week', rate: 0.1 },
  small: { cadence: 'month', rate: 0.3, maxMembers: 5 },
  large: { cadence: 'week', rate: 0.15, minMembers: 30 },
  teams: {},
};

export function samplingRuleFor(policy: SamplingPolicy, team: Team): SamplingPolicyApplied {
  const own = policy.teams[team];
  const applied = (rule: SamplingRule, rate: SamplingRate): SamplingPolicyApplied => ({ version: policy.version, rule, cadence: rate.cadence, rate: rate.rate });
  if (own?.cadence !== undefined && own.rate !== undefined) return applied('team', { cadence: own.cadence, rate: own.rate });
  if (own?.members !== undefined && own.members <= policy.small.maxMembers) return applied('small', policy.small);
  if (own?.members !== undefined && own.members >= policy.large.minMembers) return applied('large', policy.large);
  return applied('default', policy.default);
}

/** Whether a period label suits a cadence: `2025-W10` for weekly sampling, `2025-03` for monthly. */
export function periodFitsCadence(period: string, cadence: SamplingCadence): boolean {
  return isPeriod(period) && granularityOf(period) === cadence;
}

// ---------------------------------------------------------------------------------------------
// The population

/** A service record as the sample sees it: who worked on it for the team, and through which channel. */
export interface SampleCandidate {
  readonly ticketId: string;
  readonly agents: readonly string[];
  readonly channel: Channel | null;
}

/**
 * A team's service records of a period: the tickets opened in it (local time) that the team worked
 * on. CS: tickets a CS agent acted on, the agents being those CS agents. A department: tickets it
 * held, the agents being its handlers named on the ticket.
 */
export function populationOf(records: readonly ServiceRecord[], team: Team, period: string, timeZone: string): SampleCandidate[] {
  const cadence = granularityOf(period);
  if (cadence !== 'week' && cadence !== 'month') throw new RangeError(`not a sampling period: ${period}`);
  return records
    .filter((record) => record.openedAt !== null && periodOf(record.openedAt, cadence, timeZone) === period)
    .flatMap((record): SampleCandidate[] => {
      if (team === CS_TEAM) return record.csAgents.length > 0 ? [{ ticketId: record.ticketId, agents: record.csAgents, channel: record.channel }] : [];
      if (!record.lifecycle.departmentsVisited.includes(team)) return [];
      return [{ ticketId: record.ticketId, agents: record.handlersByDepartment[team] ?? [], channel: record.channel }];
    })
    .sort((a, b) => compare(a.ticketId, b.ticketId));
}

/** sha256 over the sorted ticket ids, one per line. */
export function populationDigest(population: readonly SampleCandidate[]): string {
  return createHash('sha256')
    .update(population.map((candidate) => candidate.ticketId).sort(compare).join('\n'))
    .digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The draw

export interface Sample {
  readonly targetSize: number;
  readonly ticketIds: readonly string[];
  /** The population's agents and channels. */
  readonly agents: readonly string[];
  readonly channels: readonly Channel[];
  /** The agents and channels of the records sampled. */
  readonly sampledAgents: readonly string[];
  readonly sampledChannels: readonly Channel[];
  readonly allocation: readonly ChannelAllocation[];
}

/**
 * Exactly ceil(rate × population) records (never more than the population), fair across
 * channels and agents, the same for the same population, seed and rotation:
 *
 * 1. The population in ticket-id order is shuffled by Fisher–Yates driven by seededRandom(seed) (mulberry32).
 * 2. Channels: the target size is shared among the channels (records without one are a stratum
 *    of their own) in proportion to their records, by largest remainder: each gets the whole part
 *    of its share, and the records left go to the largest fractions (ties: the channel met first
 *    in the shuffled order).
 * 3. Agents, by rotation: the channels take turns (in the order first met in the shuffled order),
 *    one record a turn until each has its share. A turn takes the first record of its channel, in
 *    the shuffled order, with an agent not in the sample yet and not sampled the period before
 *    (`previouslySampledAgents`); failing that, one with an agent not in the sample yet; failing
 *    that, the next record. So every agent is inspected in turn over the periods, while the sample
 *    keeps to its size.
 * The sample is in the order its records were chosen.
 */
export function drawSample(
  population: readonly SampleCandidate[],
  rate: number,
  seed: number,
  previouslySampledAgents: readonly string[] = [],
): Sample {
  const ordered = [...population].sort((a, b) => compare(a.ticketId, b.ticketId));
  const random = seededRandom(seed);
  for (let i = ordered.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
  }
  const total = ordered.length;
  const targetSize = Math.min(total, Math.ceil(rate * total - 1e-9));

  // Strata in the order first met in the shuffled population: ties and turns follow the seed.
  const strata = new Map<Channel | null, SampleCandidate[]>();
  for (const candidate of ordered) {
    const stratum = strata.get(candidate.channel);
    if (stratum) stratum.push(candidate);
    else strata.set(candidate.channel, [candidate]);
  }
  // Largest remainder in whole numbers: share = targetSize × records / total = quotient + remainder / total.
  const shares = [...strata].map(([channel, records], position) => ({
    channel,
    records,
    position,
    quota: Math.floor((targetSize * records.length) / total),
    remainder: (targetSize * records.length) % total,
  }));
  let left = targetSize - shares.reduce((sum, share) => sum + share.quota, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder || a.position - b.position)) {
    if (left === 0) break;
    share.quota++;
    left--;
  }

  const before = new Set(previouslySampledAgents);
  const covered = new Set<string>();
  const chosen: SampleCandidate[] = [];
  const taken = new Set<SampleCandidate>();
  const sampledFrom = new Map<Channel | null, number>();
  const pick = (records: readonly SampleCandidate[]): SampleCandidate | undefined => {
    const open = records.filter((candidate) => !taken.has(candidate));
    return (
      open.find((candidate) => candidate.agents.some((agent) => !covered.has(agent) && !before.has(agent))) ??
      open.find((candidate) => candidate.agents.some((agent) => !covered.has(agent))) ??
      open[0]
    );
  };
  while (chosen.length < targetSize) {
    for (const share of shares) {
      if ((sampledFrom.get(share.channel) ?? 0) >= share.quota) continue;
      const candidate = pick(share.records)!;
      taken.add(candidate);
      chosen.push(candidate);
      for (const agent of candidate.agents) covered.add(agent);
      sampledFrom.set(share.channel, (sampledFrom.get(share.channel) ?? 0) + 1);
    }
  }

  const agentsOf = (candidates: readonly SampleCandidate[]) => [...new Set(candidates.flatMap((candidate) => candidate.agents))].sort(compare);
  const channelsOf = (candidates: readonly SampleCandidate[]) =>
    [...new Set(candidates.flatMap((candidate) => (candidate.channel ? [candidate.channel] : [])))].sort(compare);
  return {
    targetSize,
    ticketIds: chosen.map((candidate) => candidate.ticketId),
    agents: agentsOf(ordered),
    channels: channelsOf(ordered),
    sampledAgents: agentsOf(chosen),
    sampledChannels: channelsOf(chosen),
    allocation: [...shares]
      .sort((a, b) => compare(a.channel ?? '', b.channel ?? ''))
      .map((share) => ({ channel: share.channel, population: share.records.length, sampled: share.quota })),
  };
}

/** The period before a sampling period: `2025-W10` → `2025-W09`, `2025-01` → `2024-12`. */
export function previousPeriod(period: string, timeZone: string): string {
  const cadence = granularityOf(period);
  if (cadence !== 'week' && cadence !== 'month') throw new RangeError(`not a sampling period: ${period}`);
  const { start } = periodBounds(period, timeZone);
  return periodOf(new Date(Date.parse(start) - 1).toISOString(), cadence, timeZone);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Validation

const rateSchema = z.number().gt(0, 'must be above 0').max(1, 'must be at most 1');
const cadenceSchema = z.enum(SAMPLING_CADENCES);
const membersSchema = z.number().int().min(1);

export const samplingPolicySchema = z
  .strictObject({
    version: versionLabelSchema.min(1, 'must name the policy version'),
    default: z.strictObject({ cadence: cadenceSchema, rate: rateSchema }),
    small: z.strictObject({ cadence: cadenceSchema, rate: rateSchema, maxMembers: membersSchema }),
    large: z.strictObject({ cadence: cadenceSchema, rate: rateSchema, minMembers: membersSchema }),
    teams: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be a team identifier'),
        z
          .strictObject({ members: membersSchema.optional(), cadence: cadenceSchema.optional(), rate: rateSchema.optional() })
          .refine((team) => (team.cadence === undefined) === (team.rate === undefined), 'a team rate needs both cadence and rate'),
      )
      .default({}),
  })
  .refine((policy) => policy.small.maxMembers < policy.large.minMembers, { message: 'small.maxMembers must be below large.minMembers', path: ['small', 'maxMembers'] });
