import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { PlatformModule } from '@handoff/platform';
import type { FollowupConfig } from './config';

@Module({})
export class FollowupModule {
  static forRoot(config: FollowupConfig): DynamicModule {
    return {
      module: FollowupModule,
      imports: [
        PlatformModule.forService(
          { name: 'followup', ownTopic: TOPICS.followupEvents, streamPrefix: 'followup-', entities: [], migrations: [] },
          config,
        ),
      ],
    };
  }
}
