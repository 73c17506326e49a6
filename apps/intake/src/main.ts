import 'reflect-metadata';
import { bootstrapService } from '@handoff/platform';
import { intakeConfigSchema } from './config';
import { IntakeModule } from './intake.module';

void bootstrapService({
  name: 'intake',
  description: 'Receives contacts from every channel, records and classifies them, answers simple ones at first contact and hands complex ones over.',
  configSchema: intakeConfigSchema,
  module: (config) => IntakeModule.forRoot(config),
});
