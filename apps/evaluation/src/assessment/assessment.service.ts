import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assessmentIdOf, assessmentStreamId, type CommandMetadata } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CONFIG } from '@handoff/platform';
import type { EvaluationConfig } from '../config';
import { periodBounds } from '@handoff/service-time';
import { ServiceRecordsReader } from '../records/service-records.reader';
import { customerEvaluations, rankAssessments, type Assessment, type AssessmentPolicy, type SubmittedEvaluations } from './assessment';
import { assessmentDecider, teamOf, type AssessmentCommand } from './assessment.decider';
import { AssessmentEvaluation } from './assessment.entities';

export interface AssessmentRanking {
  readonly team: string;
  readonly period: string;
  readonly policy: AssessmentPolicy;
  /** The service star(s) of the period: first among the complete assessments (several on a tie). */
  readonly stars: readonly string[];
  readonly ranking: readonly Assessment[];
}

@Injectable()
export class AssessmentService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly records: ServiceRecordsReader,
    @Inject(CONFIG) private readonly config: EvaluationConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async submitSelf(input: { period: string; score: number; comment?: string }, metadata: CommandMetadata) {
    const { actor } = metadata;
    return this.submit({ type: 'SubmitSelfEvaluation', data: { personId: actor.id, team: teamOf(actor), ...input }, metadata });
  }

  async submitSupervisor(input: { personId: string; team: string; period: string; score: number; comment?: string }, metadata: CommandMetadata) {
    return this.submit({ type: 'SubmitSupervisorEvaluation', data: input, metadata });
  }

  private async submit(command: AssessmentCommand) {
    const { personId, period, team, score } = command.data;
    const assessmentId = assessmentIdOf(personId, period);
    // One person's assessment for a period is not about a ticket: its stream's events carry the assessment id instead.
    await this.commands.handle(assessmentStreamId(assessmentId), assessmentDecider, command, { ticketId: assessmentId });
    return { assessmentId, personId, team, period, part: command.type === 'SubmitSelfEvaluation' ? 'self' : 'supervisor', score };
  }

  async ranking(team: string, period: string): Promise<AssessmentRanking> {
    const policy = this.config.ASSESSMENT_POLICY_FILE;
    const rows = await this.dataSource.getRepository(AssessmentEvaluation).findBy({ team, period });
    const submitted = new Map<string, { personId: string; team: string; self: number | null; supervisor: number | null }>();
    for (const row of rows) {
      const person = submitted.get(row.personId) ?? { personId: row.personId, team: row.team, self: null, supervisor: null };
      person[row.part] = row.score;
      submitted.set(row.personId, person);
    }
    const { start, end } = periodBounds(period, this.config.KPI_TIME_ZONE);
    const customers = customerEvaluations(await this.records.answeredBetween(start, end), team, period, this.config.KPI_TIME_ZONE);
    const ranking = rankAssessments(team, period, [...submitted.values()] as SubmittedEvaluations[], customers, policy);
    return { team, period, policy, stars: ranking.filter((assessment) => assessment.star).map((assessment) => assessment.personId), ranking };
  }
}
