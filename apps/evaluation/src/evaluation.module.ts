import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { PlatformModule } from '@handoff/platform';
import type { EvaluationConfig } from './config';

@Module({})
export class EvaluationModule {
  static forRoot(config: EvaluationConfig): DynamicModule {
    return {
      module: EvaluationModule,
      imports: [
        PlatformModule.forService(
          { name: 'evaluation', ownTopic: TOPICS.evaluationEvents, streamPrefix: 'evaluation-', entities: [], migrations: [] },
          config,
        ),
      ],
    };
  }
}
