import type { Provider } from '@nestjs/common';
import { PolicyBook } from '@handoff/platform';
import type { Organisation } from './organisation';

/**
 * The organisation in force (ORGANISATION_FILE, or as management last changed it): one object whose
 * `departments` are read at each use, so the deciders, the assigner and the controllers that hold
 * it see a change without a restart.
 */
export const ORGANISATION = Symbol('ORGANISATION');

export const organisationProvider: Provider = {
  provide: ORGANISATION,
  useFactory: (policies: PolicyBook): Organisation => ({
    get departments() {
      return policies.current<Organisation>('organisation').document.departments;
    },
  }),
  inject: [PolicyBook],
};
