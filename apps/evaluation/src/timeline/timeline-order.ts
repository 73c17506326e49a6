// The one order of a ticket's events is shared language (contracts), used by timelines and audits alike.
export { inTimelineOrder, SERVICE_ORDER, serviceOfStream, type TimelinePosition } from '@handoff/contracts';
