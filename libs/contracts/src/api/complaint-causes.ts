// The complaint cause taxonomy as routing serves it (`GET /v1/complaint-causes`) and as the KPI complaint analysis labels it.

export interface ComplaintCause {
  /** What the result event records. */
  readonly code: string;
  /** What a person reads, per console language. */
  readonly label: { readonly en: string; readonly 'zh-CN': string };
}

/** `GET /v1/complaint-causes`. */
export interface ComplaintCausesView {
  readonly causes: readonly ComplaintCause[];
}
