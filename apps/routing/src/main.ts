import 'reflect-metadata';
import { bootstrapService } from '@handoff/platform';
import { routingConfigSchema } from './config';
import { RoutingModule } from './routing.module';

void bootstrapService({
  name: 'routing',
  description: 'Routes tickets to departments, names one responsible handler, tracks deadlines, progress, passes between departments and results.',
  configSchema: routingConfigSchema,
  module: (config) => RoutingModule.forRoot(config),
});
