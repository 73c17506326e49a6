import 'reflect-metadata';
import { bootstrapService } from '@handoff/platform';
import { followupConfigSchema } from './config';
import { FollowupModule } from './followup.module';

void bootstrapService({
  name: 'followup',
  description: 'CS follow-up: reports results to customers, records satisfaction or objections, sends tickets back for another round.',
  configSchema: followupConfigSchema,
  module: (config) => FollowupModule.forRoot(config),
});
