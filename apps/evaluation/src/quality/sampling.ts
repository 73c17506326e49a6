import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  SAMPLING_CADENCES,
  type Channel,
  type SamplingCadence,
  type SamplingPolicyApplied,
  type SamplingRule,
  type Team,
} from '@handoff/contracts';
import type { ServiceRecord } from '../records/service-record';
import { granularityOf, isPeriod, periodOf } from '@handoff/service-time';

/**
 * Quality sampling (DOMAIN.md, "Quality inspection"): each team's service records of a period,
 * sampled at the team's rate by a seeded random choice stratified so every agent and every
 * channel of the population is represented. The same population, policy and seed always give
 * the same sample; the seed is recorded with the sample so anyone can redraw it.
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

/**
 * mulberry32: a 32-bit generator, small and the same on every platform, so a seed written down
 * today draws the same sample on any machine later. Not for secrets, only for fair, repeatable choice.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sample {
  readonly targetSize: number;
  readonly ticketIds: readonly string[];
  readonly agents: readonly string[];
  readonly channels: readonly Channel[];
}

/**
 * 1. The population in ticket-id order is shuffled by Fisher–Yates driven by mulberry32(seed).
 * 2. Stratification: for each agent (in name order) not yet represented, the first record in the
 *    shuffled order that is theirs, preferring one whose channel is not represented yet; then for
 *    each channel not yet represented, the first record in the shuffled order with that channel.
 * 3. The rest of the sample, up to ceil(rate × population), is the next records in the shuffled order.
 * The sample is in the order its records were chosen.
 */
export function drawSample(population: readonly SampleCandidate[], rate: number, seed: number): Sample {
  const ordered = [...population].sort((a, b) => compare(a.ticketId, b.ticketId));
  const random = mulberry32(seed);
  for (let i = ordered.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
  }
  const agents = [...new Set(ordered.flatMap((candidate) => candidate.agents))].sort(compare);
  const channels = [...new Set(ordered.flatMap((candidate) => (candidate.channel ? [candidate.channel] : [])))].sort(compare);

  const chosen: SampleCandidate[] = [];
  const agentsIn = new Set<string>();
  const channelsIn = new Set<Channel>();
  const take = (candidate: SampleCandidate | undefined) => {
    if (!candidate || chosen.includes(candidate)) return;
    chosen.push(candidate);
    for (const agent of candidate.agents) agentsIn.add(agent);
    if (candidate.channel) channelsIn.add(candidate.channel);
  };
  for (const agent of agents) {
    if (agentsIn.has(agent)) continue;
    const theirs = ordered.filter((candidate) => candidate.agents.includes(agent));
    take(theirs.find((candidate) => candidate.channel !== null && !channelsIn.has(candidate.channel)) ?? theirs[0]);
  }
  for (const channel of channels) {
    if (!channelsIn.has(channel)) take(ordered.find((candidate) => candidate.channel === channel));
  }
  const targetSize = Math.min(ordered.length, Math.ceil(rate * ordered.length - 1e-9));
  for (const candidate of ordered) {
    if (chosen.length >= targetSize) break;
    take(candidate);
  }
  return { targetSize, ticketIds: chosen.map((candidate) => candidate.ticketId), agents, channels };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Validation

const rateSchema = z.number().gt(0, 'must be above 0').max(1, 'must be at most 1');
const cadenceSchema = z.enum(SAMPLING_CADENCES);
const membersSchema = z.number().int().min(1);

export const samplingPolicySchema = z
  .strictObject({
    version: z.string().trim().min(1, 'must name the policy version'),
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
