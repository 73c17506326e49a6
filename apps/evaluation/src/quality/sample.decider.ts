import {
  assertNever,
  DomainError,
  ValidationFailed,
  type Command,
  type Decider,
  type EvaluationEvent,
  type Role,
  type SampleDrawn,
  type SampleDrawnData,
  type SamplingPolicyApplied,
  type Team,
} from '@handoff/contracts';
import { drawSample, periodFitsCadence, populationDigest, type SampleCandidate } from './sampling';

/**
 * One quality sample. Stream `evaluation-sample-<sampleId>`; the envelope's ticket id is the
 * sample id (a sample is about many tickets). The population is looked up by the caller and given
 * as data, with the policy that applies to the team, so the decision itself is pure.
 */

export type DrawSample = Command<
  'DrawSample',
  {
    readonly sampleId: string;
    readonly team: Team;
    readonly period: string;
    readonly policy: SamplingPolicyApplied;
    readonly seed: number;
    readonly population: readonly SampleCandidate[];
    /** The team's samples of the period before and the agents they covered: this draw takes the others first. */
    readonly previous?: { readonly sampleIds: readonly string[]; readonly agents: readonly string[] };
  }
>;

export type SampleCommand = DrawSample;

export type SampleState = { readonly status: 'none' } | { readonly status: 'drawn'; readonly sample: SampleDrawnData };

export const initialSampleState: SampleState = { status: 'none' };

const INSPECTORS: readonly Role[] = ['qa'];

export function decideSample(command: SampleCommand, state: SampleState): readonly SampleDrawn[] {
  switch (command.type) {
    case 'DrawSample':
      return draw(command, state);
    default:
      return assertNever(command.type);
  }
}

function draw(command: DrawSample, state: SampleState): readonly SampleDrawn[] {
  if (!INSPECTORS.includes(command.metadata.actor.role)) throw new DomainError('FORBIDDEN', 'only QA draws quality samples');
  const { sampleId, team, period, policy, seed, population, previous } = command.data;
  if (state.status === 'drawn') {
    const { sample } = state;
    if (sample.team === team && sample.period === period && sample.seed === seed) return [];
    throw new DomainError('CONFLICT', `sample ${sampleId} was drawn already, for ${sample.team} ${sample.period} with seed ${sample.seed}`);
  }
  if (!periodFitsCadence(period, policy.cadence)) {
    const shape = policy.cadence === 'week' ? 'an ISO week such as 2025-W10' : 'a month such as 2025-03';
    throw new ValidationFailed([{ field: 'period', message: `${team} is sampled every ${policy.cadence}: must be ${shape}` }]);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValidationFailed([{ field: 'seed', message: 'must be a whole number from 0 to 4294967295' }]);
  if (population.length === 0) throw new DomainError('PRECONDITION_FAILED', `no service records of ${team} in ${period} to sample`);
  const previouslySampledAgents = [...new Set(previous?.agents ?? [])].sort();
  const sample = drawSample(population, policy.rate, seed, previouslySampledAgents);
  return [
    {
      type: 'SampleDrawn',
      data: {
        sampleId,
        team,
        period,
        policy,
        seed,
        populationSize: population.length,
        populationDigest: populationDigest(population),
        targetSize: sample.targetSize,
        size: sample.ticketIds.length,
        ticketIds: sample.ticketIds,
        agents: sample.agents,
        channels: sample.channels,
        method: 'proportional',
        sampledAgents: sample.sampledAgents,
        sampledChannels: sample.sampledChannels,
        allocation: sample.allocation,
        previousSampleIds: [...(previous?.sampleIds ?? [])],
        previouslySampledAgents,
      },
    },
  ];
}

export function evolveSample(state: SampleState, event: EvaluationEvent): SampleState {
  return event.type === 'SampleDrawn' ? { status: 'drawn', sample: event.data } : state;
}

export const sampleDecider: Decider<SampleCommand, EvaluationEvent, SampleState> = {
  initialState: initialSampleState,
  decide: decideSample,
  evolve: evolveSample,
};
