import 'reflect-metadata';
import { bootstrapService } from '@handoff/platform';
import { evaluationConfigSchema } from './config';
import { ATTACHMENT_UPLOAD_ROUTE } from './conversation/attachments.controller';
import { EvaluationModule } from './evaluation.module';

void bootstrapService({
  name: 'evaluation',
  description: 'Keeps every ticket timeline and lifecycle figures; KPIs, quality sampling and assessment.',
  configSchema: evaluationConfigSchema,
  module: (config) => EvaluationModule.forRoot(config),
  fileRoutes: [ATTACHMENT_UPLOAD_ROUTE],
});
