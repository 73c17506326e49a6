import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, CONSUMERS, PlatformModule, type ConsumerDefinition } from '@handoff/platform';
import { AuditController, auditSourcesProvider, AuditSourcesLifecycle } from './audit/audit.controller';
import type { EvaluationConfig } from './config';
import { TimelineController } from './timeline/timeline.controller';
import { TIMELINE_ENTITIES } from './timeline/timeline.entities';
import { TIMELINE_MIGRATIONS } from './timeline/timeline.migrations';
import { timelineProjection } from './timeline/timeline.projection';
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
            entities: TIMELINE_ENTITIES,
            migrations: TIMELINE_MIGRATIONS,
          },
          config,
        ),
      ],
      controllers: [TimelineController, AuditController],
      providers: [
        TimelineReader,
        auditSourcesProvider,
        AuditSourcesLifecycle,
        {
          provide: CONSUMERS,
          useFactory: (): ConsumerDefinition[] => [
            {
              name: 'timeline',
              topics: [TOPICS.intakeEvents, TOPICS.routingEvents, TOPICS.followupEvents],
              handler: timelineProjection(),
            },
          ],
        },
        ConsumersLifecycle,
      ],
    };
  }
}
