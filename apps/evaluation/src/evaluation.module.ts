import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, consumersProvider, CustomerAccess, PlatformModule, PoliciesController, policyBookProviders, readModelConsumers } from '@handoff/platform';
import { AssessmentService } from './assessment/assessment.service';
import { AssessmentsController } from './assessment/assessments.controller';
import { AuditController, auditSourcesProvider, AuditSourcesLifecycle } from './audit/audit.controller';
import { AttachmentsController } from './conversation/attachments.controller';
import { AttachmentStore } from './conversation/attachments.store';
import { ConversationController } from './conversation/conversation.controller';
import { ConversationReader } from './conversation/conversation.reader';
import { CustomerExportService } from './data-rights/customer-export.service';
import { DataRightsController } from './data-rights/data-rights.controller';
import { RetentionJob } from './data-rights/retention.job';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsReader } from './notifications/notifications.reader';
import { evaluationPolicyDefinitions, type EvaluationConfig } from './config';
import { KpiFactsReader } from './kpis/kpi-facts.reader';
import { KpiVerdictsRefresher } from './kpis/kpi-verdicts.refresher';
import { KpisController } from './kpis/kpis.controller';
import { QualityController } from './quality/quality.controller';
import { QualityService } from './quality/quality.service';
import { EVALUATION_DATABASE } from './read-models';
import { ServiceRecordsReader } from './records/service-records.reader';
import { SEARCH_CONSUMERS } from './search/search.consumers';
import { SearchController } from './search/search.controller';
import { SearchReader } from './search/search.reader';
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
            // Search finds a customer by keyed hashes of their details (opened to be hashed, never
            // stored) and shows them masked; attachments are sealed with the customer's key.
            // Evaluation reads contact details in clear only for a data-subject export, and destroys
            // keys when the retention schedule says so.
            usesVault: true,
          },
          config,
        ),
      ],
      controllers: [TimelineController, ConversationController, AttachmentsController, NotificationsController, AuditController, KpisController, QualityController, AssessmentsController, SearchController, DataRightsController, PoliciesController],
      providers: [
        TimelineReader,
        ConversationReader,
        AttachmentStore,
        NotificationsReader,
        CustomerAccess,
        SearchReader,
        ServiceRecordsReader,
        KpiFactsReader,
        KpiVerdictsRefresher,
        QualityService,
        AssessmentService,
        CustomerExportService,
        RetentionJob,
        ...policyBookProviders(() => evaluationPolicyDefinitions(config)),
        auditSourcesProvider,
        AuditSourcesLifecycle,
        consumersProvider([readModelConsumers(EVALUATION_DATABASE), SEARCH_CONSUMERS]),
        ConsumersLifecycle,
      ],
    };
  }
}
