import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import {
  DomainError,
  inspectionStreamId,
  newId,
  sampleStreamId,
  type Actor,
  pageOf,
  type CommandMetadata,
  type CorrectiveActionView,
  type InspectionResult,
  type Page,
  type RecordPart,
  type SampleRecordView,
  type SampleDrawnData,
  type SampleSummary,
  type SampleView,
} from '@handoff/contracts';
import { CommandHandler, type EventStore } from '@handoff/event-store';
import { CONFIG, CUSTOMER_VAULT, EVENT_STORE, PolicyBook } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import type { EvaluationConfig } from '../config';
import { periodBounds } from '@handoff/service-time';
import { missingParts, needsImprovement, type ServiceRecord } from '../records/service-record';
import { ServiceRecordsReader } from '../records/service-records.reader';
import { assertMaySuperviseTeam } from '../teams';
import { inspectionDecider } from './inspection.decider';
import { QaCorrectiveAction, QaInspection, QaSample } from './quality.entities';
import { TicketLifecycleRecord } from '../timeline/timeline.entities';
import { totalOf, type Rubric } from './rubric';
import { sampleDecider } from './sample.decider';
import { CS_TEAM, drawSample, periodFitsCadence, populationDigest, populationOf, previousPeriod, samplingRuleFor, type SampleCandidate, type SamplingPolicy } from './sampling';
import { drawCoveringSample } from './sampling.v1';

/** Turns QA's requests into commands on evaluation's own streams; the decisions are the deciders'. */
@Injectable()
export class QualityService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly records: ServiceRecordsReader,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PolicyBook,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
  ) {}

  async draw(input: { team: string; period: string; seed?: number }, metadata: CommandMetadata): Promise<SampleDrawnData> {
    const policy = samplingRuleFor(this.policies.current<SamplingPolicy>('qa-sampling').document, input.team);
    // A random seed unless one is given; either way it is recorded, so the draw can be repeated.
    const seed = input.seed ?? randomInt(0, 2 ** 32);
    // The decider refuses a period of the wrong cadence too; no need to read the records for one.
    const fits = periodFitsCadence(input.period, policy.cadence);
    const population = fits ? await this.population(input.team, input.period) : [];
    const previous = fits ? await this.previousSamples(input.team, previousPeriod(input.period, this.config.KPI_TIME_ZONE)) : undefined;
    const sampleId = newId();
    const result = await this.commands.handle(
      sampleStreamId(sampleId),
      sampleDecider,
      { type: 'DrawSample', data: { sampleId, team: input.team, period: input.period, policy, seed, population, ...(previous ? { previous } : {}) }, metadata },
      // A sample is about many tickets: its stream's events carry the sample id where a ticket id would be.
      { ticketId: sampleId },
    );
    if (result.state.status !== 'drawn') throw new Error('the sample was not drawn');
    return result.state.sample;
  }

  async sample(sampleId: string, actor: Actor): Promise<SampleView> {
    const [drawn] = await this.store.readStream(sampleStreamId(sampleId));
    if (!drawn || drawn.type !== 'SampleDrawn') throw new DomainError('NOT_FOUND', `no sample ${sampleId}`);
    const sample = drawn.data as SampleDrawnData;
    assertMaySuperviseTeam(actor, sample.team);
    const records = new Map((await this.records.byIds(sample.ticketIds)).map((record) => [record.ticketId, record]));
    const inspections = new Map((await this.dataSource.getRepository(QaInspection).findBy({ sampleId })).map((row) => [row.ticketId, row]));
    const subjects = await this.subjectsOf(sample.ticketIds);
    const population = await this.population(sample.team, sample.period);
    const digest = populationDigest(population);
    return {
      ...sample,
      drawnAt: drawn.metadata.occurredAt,
      drawnBy: drawn.metadata.actorId,
      records: sample.ticketIds.map((ticketId) => recordView(ticketId, subjects.get(ticketId) ?? null, sample.team, records.get(ticketId), inspections.get(ticketId))),
      redraw: {
        populationSize: population.length,
        populationDigest: digest,
        samePopulation: digest === sample.populationDigest,
        sameSample: population.length > 0 && JSON.stringify(redraw(sample, population)) === JSON.stringify(sample.ticketIds),
      },
    };
  }

  async inspect(
    ticketId: string,
    input: { sampleId: string; scores: Record<string, number>; note?: string; correctiveAction?: { description: string; dueAt?: string } },
    metadata: CommandMetadata,
  ): Promise<InspectionResult> {
    const rubric = this.policies.current<Rubric>('qa-rubric').document;
    // Scores are checked against the rubric before anything is looked up: a bad one is a 400 whatever the sample.
    totalOf(rubric, input.scores);
    const { state: sampleState } = await this.commands.load(sampleStreamId(input.sampleId), sampleDecider);
    const sample = sampleState.status === 'drawn' ? sampleState.sample : null;
    const [record] = sample?.ticketIds.includes(ticketId) ? await this.records.byIds([ticketId]) : [];
    const actionId = input.correctiveAction ? newId() : null;
    const result = await this.commands.handle(
      inspectionStreamId(ticketId),
      inspectionDecider,
      {
        type: 'InspectRecord',
        data: {
          ticketId,
          sampleId: input.sampleId,
          sample: sample && { team: sample.team, ticketIds: sample.ticketIds },
          rubric,
          scores: input.scores,
          missing: record ? missingParts(record) : [],
          assignees: record && sample ? workersOf(record, sample.team) : [],
          ...(input.note ? { note: input.note } : {}),
          ...(input.correctiveAction && actionId ? { correctiveAction: { actionId, ...input.correctiveAction } } : {}),
        },
        metadata,
      },
      { ticketId },
    );
    const inspected = result.events.find((event) => event.type === 'RecordInspected');
    const required = result.events.find((event) => event.type === 'CorrectiveActionRequired');
    const data = inspected?.data as { total: number; correctiveActionRequired: boolean } | undefined;
    return {
      ticketId,
      sampleId: input.sampleId,
      total: data?.total ?? totalOf(rubric, input.scores),
      correctiveActionRequired: data?.correctiveActionRequired ?? false,
      actionId: (required?.data as { actionId: string } | undefined)?.actionId ?? null,
    };
  }

  async completeAction(actionId: string, note: string, metadata: CommandMetadata): Promise<CorrectiveActionView> {
    const row = await this.dataSource.getRepository(QaCorrectiveAction).findOneBy({ actionId });
    if (!row) throw new DomainError('NOT_FOUND', `no corrective action ${actionId}`);
    // Who may is the decider's rule (an assignee, or a supervisor of the team).
    await this.commands.handle(inspectionStreamId(row.ticketId), inspectionDecider, { type: 'CompleteCorrectiveAction', data: { actionId, note }, metadata }, { ticketId: row.ticketId });
    // The read model catches up from the topic; the answer says what was just recorded.
    const subject = (await this.subjectsOf([row.ticketId])).get(row.ticketId) ?? null;
    return { ...actionView(row, subject), status: 'completed', completedBy: metadata.actor.id, completedAt: metadata.now.toISOString(), completionNote: note };
  }

  async verifyAction(actionId: string, input: { effective: boolean; note?: string }, metadata: CommandMetadata): Promise<CorrectiveActionView> {
    const row = await this.dataSource.getRepository(QaCorrectiveAction).findOneBy({ actionId });
    if (!row) throw new DomainError('NOT_FOUND', `no corrective action ${actionId}`);
    await this.commands.handle(
      inspectionStreamId(row.ticketId),
      inspectionDecider,
      { type: 'VerifyCorrectiveAction', data: { actionId, effective: input.effective, ...(input.note ? { note: input.note } : {}) }, metadata },
      { ticketId: row.ticketId },
    );
    const subject = (await this.subjectsOf([row.ticketId])).get(row.ticketId) ?? null;
    return {
      ...actionView(row, subject),
      status: input.effective ? 'verified' : 'open',
      verifiedBy: metadata.actor.id,
      verifiedAt: metadata.now.toISOString(),
      effective: input.effective,
      verificationNote: input.note ?? null,
    };
  }

  /** The corrective actions addressed to one person, open ones first, then by when they were required. */
  async actionsOf(personId: string): Promise<CorrectiveActionView[]> {
    const rows = await this.dataSource
      .getRepository(QaCorrectiveAction)
      .createQueryBuilder('action')
      .where(':person = ANY(action.assignees)', { person: personId })
      .orderBy(`CASE action.status WHEN 'open' THEN 0 WHEN 'completed' THEN 1 ELSE 2 END`, 'ASC')
      .addOrderBy('action.requiredAt', 'ASC')
      .addOrderBy('action.actionId', 'ASC')
      .getMany();
    const subjects = await this.subjectsOf(rows.map((row) => row.ticketId));
    return rows.map((row) => actionView(row, subjects.get(row.ticketId) ?? null));
  }

  /** The samples drawn, newest first (then by sample id, descending), for a team and/or a period; a page after the cursor. */
  async samples(filter: { team?: string; period?: string; limit: number; after?: readonly [string, string] }): Promise<Page<SampleSummary>> {
    const select = this.dataSource.getRepository(QaSample).createQueryBuilder('sample');
    if (filter.team) select.andWhere('sample.team = :team', { team: filter.team });
    if (filter.period) select.andWhere('sample.period = :period', { period: filter.period });
    if (filter.after) select.andWhere('(sample.drawn_at, sample.sample_id) < (CAST(:drawnAt AS timestamptz), CAST(:sampleId AS uuid))', { drawnAt: filter.after[0], sampleId: filter.after[1] });
    const rows = await select.orderBy('sample.drawn_at', 'DESC').addOrderBy('sample.sample_id', 'DESC').limit(filter.limit + 1).getMany();
    return pageOf(rows, filter.limit, (row) => [row.drawnAt.toISOString(), row.sampleId], (row) => ({ ...row, drawnAt: row.drawnAt.toISOString() }));
  }

  /** Corrective actions, oldest required first (then by action id), with the ticket's subject; a page after the cursor. */
  async actions(filter: { team?: string; status?: 'open' | 'completed' | 'verified'; limit: number; after?: readonly [string, string] }): Promise<Page<CorrectiveActionView>> {
    const select = this.dataSource.getRepository(QaCorrectiveAction).createQueryBuilder('action');
    if (filter.team) select.andWhere('action.team = :team', { team: filter.team });
    if (filter.status) select.andWhere('action.status = :status', { status: filter.status });
    if (filter.after) select.andWhere('(action.required_at, action.action_id) > (CAST(:requiredAt AS timestamptz), CAST(:actionId AS uuid))', { requiredAt: filter.after[0], actionId: filter.after[1] });
    const rows = await select.orderBy('action.required_at', 'ASC').addOrderBy('action.action_id', 'ASC').limit(filter.limit + 1).getMany();
    const subjects = await this.subjectsOf(rows.slice(0, filter.limit).map((row) => row.ticketId));
    return pageOf(rows, filter.limit, (row) => [row.requiredAt.toISOString(), row.actionId], (row) => actionView(row, subjects.get(row.ticketId) ?? null));
  }

  private async subjectsOf(ticketIds: readonly string[]): Promise<Map<string, string | null>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(TicketLifecycleRecord).find({ select: { ticketId: true, subject: true }, where: { ticketId: In([...new Set(ticketIds)]) } });
    // Inspectors and managers read records, not customers: a detail typed into a subject shows masked.
    return new Map(await Promise.all(rows.map(async (row) => [row.ticketId, await this.vault.openTexts(row.subject, row.ticketId, false)] as const)));
  }

  /**
   * The team's samples of a period, in the order drawn, and the agents their records covered
   * (a sample drawn before `sampledAgents` existed covered every agent of its population).
   */
  private async previousSamples(team: string, period: string): Promise<{ sampleIds: string[]; agents: string[] }> {
    const rows = await this.dataSource.getRepository(QaSample).find({ where: { team, period }, order: { drawnAt: 'ASC', sampleId: 'ASC' } });
    const agents = new Set<string>();
    for (const row of rows) {
      const [drawn] = await this.store.readStream(sampleStreamId(row.sampleId));
      if (drawn?.type !== 'SampleDrawn') continue;
      const data = drawn.data as SampleDrawnData;
      for (const agent of data.sampledAgents ?? data.agents) agents.add(agent);
    }
    return { sampleIds: rows.map((row) => row.sampleId), agents: [...agents].sort() };
  }

  private async population(team: string, period: string) {
    const { start, end } = periodBounds(period, this.config.KPI_TIME_ZONE);
    const records = await this.records.openedBetween({ from: start, to: end, ...(team === CS_TEAM ? {} : { department: team }) });
    return populationOf(records, team, period, this.config.KPI_TIME_ZONE);
  }
}

/** The same draw again, by the method the sample was drawn with. */
function redraw(sample: SampleDrawnData, population: readonly SampleCandidate[]): readonly string[] {
  return sample.method === 'proportional'
    ? drawSample(population, sample.policy.rate, sample.seed, sample.previouslySampledAgents ?? []).ticketIds
    : drawCoveringSample(population, sample.policy.rate, sample.seed).ticketIds;
}

/** Who did the team's work on the record: its CS agents, or the department's handlers. */
function workersOf(record: ServiceRecord, team: string): string[] {
  return [...(team === CS_TEAM ? record.csAgents : (record.handlersByDepartment[team] ?? []))];
}

function recordView(ticketId: string, subject: string | null, team: string, record: ServiceRecord | undefined, inspection: QaInspection | undefined): SampleRecordView {
  const parts: Record<RecordPart, boolean> = record?.parts ?? {
    customer_information: false,
    contact_details: false,
    problem_description: false,
    handling_process: false,
    solution: false,
    customer_confirmation: false,
  };
  return {
    ticketId,
    subject,
    channel: record?.channel ?? null,
    agents: record ? workersOf(record, team) : [],
    parts,
    missing: missingParts({ parts }),
    needsImprovement: needsImprovement({ parts }),
    inspection: inspection
      ? { total: inspection.total, correctiveActionRequired: inspection.correctiveActionRequired, inspectorId: inspection.inspectorId, inspectedAt: inspection.inspectedAt.toISOString() }
      : null,
  };
}

function actionView(row: QaCorrectiveAction, subject: string | null): CorrectiveActionView {
  return {
    actionId: row.actionId,
    ticketId: row.ticketId,
    subject,
    sampleId: row.sampleId,
    team: row.team,
    assignees: row.assignees,
    description: row.description,
    dueAt: row.dueAt?.toISOString() ?? null,
    status: row.status,
    requiredBy: row.requiredBy,
    requiredAt: row.requiredAt.toISOString(),
    completedBy: row.completedBy,
    completedAt: row.completedAt?.toISOString() ?? null,
    completionNote: row.completionNote,
    verifiedBy: row.verifiedBy,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    effective: row.effective,
    verificationNote: row.verificationNote,
  };
}
