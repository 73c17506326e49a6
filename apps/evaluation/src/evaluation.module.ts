import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, CONSUMERS, PlatformModule, readModelConsumers, type ConsumerDefinition } from '@handoff/platform';
import { AuditController, auditSourcesProvider, AuditSourcesLifecycle } from './audit/audit.controller';
import type { EvaluationConfig } from './config';
import { EVALUATION_DATABASE } from './read-models';
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
      controllers: [TimelineController, AuditController],
      providers: [
        TimelineReader,
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
