/** The kinds of policy management changes through the API (the owner of each answers it: README, "Policies"). */
export const POLICY_KIND_NAMES = ['classification', 'deadlines', 'routing-rules', 'organisation', 'kpi-targets', 'qa-sampling', 'qa-rubric'] as const;
export type PolicyKindName = (typeof POLICY_KIND_NAMES)[number];

/** The service that validates a kind, records its changes and answers its API. */
export const POLICY_OWNERS: Readonly<Record<PolicyKindName, 'intake' | 'routing' | 'evaluation'>> = {
  classification: 'intake',
  deadlines: 'routing',
  'routing-rules': 'routing',
  organisation: 'routing',
  'kpi-targets': 'evaluation',
  'qa-sampling': 'evaluation',
  'qa-rubric': 'evaluation',
};

/** One version of a policy: version 0 is the file (or the built-in default) the services started with. */
export interface PolicyVersionView {
  readonly version: number;
  readonly document: Record<string, unknown>;
  /** `file` for version 0, `change` for every version management made. */
  readonly source: 'file' | 'change';
  /** When, by whom (and in which role) and why it was changed; null for the file. */
  readonly changedAt: string | null;
  readonly changedBy: string | null;
  readonly role: string | null;
  readonly reason: string | null;
}

/** GET /v1/policies/{kind} and the answer to a change. */
export interface PolicyView extends PolicyVersionView {
  readonly kind: PolicyKindName;
  /** The version this instance applies now: behind `version` for the moment a change takes to reach it. */
  readonly appliedVersion: number;
}

/** GET /v1/policies/{kind}/history: newest first, down to the file. */
export interface PolicyHistory {
  readonly kind: PolicyKindName;
  readonly versions: readonly PolicyVersionView[];
}
