import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { PlatformModule } from '@handoff/platform';
import type { IntakeConfig } from './config';

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forService(
          { name: 'intake', ownTopic: TOPICS.intakeEvents, streamPrefix: 'intake-', entities: [], migrations: [] },
          config,
        ),
      ],
    };
  }
}
