import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, CONSUMERS, PlatformModule, readModelConsumers, type ConsumerDefinition } from '@handoff/platform';
import { AssessmentService } from './assessment/assessment.service';
import { AssessmentsController } from './assessment/assessments.controller';
import { AuditController, auditSourcesProvider, AuditSourcesLifecycle } from './audit/audit.controller';
import { ConversationController } from './conversation/conversation.controller';
import { ConversationReader } from './conversation/conversation.reader';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsReader } from './notifications/notifications.reader';
import type { EvaluationConfig } from './config';
import { KpisController } from './kpis/kpis.controller';
import { QualityController } from './quality/quality.controller';
import { QualityService } from './quality/quality.service';
import { EVALUATION_DATABASE } from './read-models';
import { ServiceRecordsReader } from './records/service-records.reader';
import { TimelineController } from './timeline/timeline.controller';
import { TimelineReader } from './timeline/timeline.reader';

@Module({})
export class EvaluationModule {
  static forRoot(config: EvaluationConfig): DynamicModule {
    return {
      module: EvaluationModule,
      imports: [
        PlatformModule.forService(
          {
            name: 'evaluation',
            ownTopic: TOPICS.evaluationEvents,
            streamPrefix: 'evaluation-',
            entities: EVALUATION_DATABASE.entities,
            migrations: EVALUATION_DATABASE.migrations,
          },
          config,
        ),
      ],
      controllers: [TimelineController, ConversationController, NotificationsController, AuditController, KpisController, QualityController, AssessmentsController],
      providers: [
        TimelineReader,
        ConversationReader,
        NotificationsReader,
        ServiceRecordsReader,
        QualityService,
        AssessmentService,
        auditSourcesProvider,
        AuditSourcesLifecycle,
        {
          provide: CONSUMERS,
          useFactory: (): ConsumerDefinition[] => readModelConsumers(EVALUATION_DATABASE),
        },
        ConsumersLifecycle,
      ],
    };
  }
}
