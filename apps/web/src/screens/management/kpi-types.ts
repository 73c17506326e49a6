// What evaluation answers (the KPI report, complaint analysis, the ticket list): the API's own
// types (libs/contracts/src/api), imported as types only so the page bundles none of the services.
export type {
  ComplaintReport,
  DeadlineCompliance,
  Distribution,
  Granularity,
  GroupBy,
  KpiFigures,
  KpiName,
  KpiReport,
  KpiRow,
  KpiRowKey,
  LifecycleEscalation,
  LifecycleView as Lifecycle,
  PolicyBasis,
  Share,
  Target,
  TargetCheck,
  TicketListView as TicketList,
} from '@handoff/contracts/api';
