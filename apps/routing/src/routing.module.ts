import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { PlatformModule } from '@handoff/platform';
import type { RoutingConfig } from './config';

@Module({})
export class RoutingModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: RoutingModule,
      imports: [
        PlatformModule.forService(
          { name: 'routing', ownTopic: TOPICS.routingEvents, streamPrefix: 'routing-', entities: [], migrations: [] },
          config,
        ),
      ],
    };
  }
}
