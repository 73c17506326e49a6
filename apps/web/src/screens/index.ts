import type { ComponentType } from 'react';
import type { Role } from '../session';
import { AuditorScreen } from './auditor/auditor-screen';
import { CsScreen } from './cs/cs-screen';
import { DepartmentScreen } from './department/department-screen';
import { ManagementScreen } from './management/management-screen';
import { PoliciesScreen } from './policies/policies-screen';
import { QaScreen } from './qa/qa-screen';
import { SearchScreen } from './search/search-screen';

export interface Screen {
  /** First part of the hash route: `#/<id>/...`; the rest is the screen's own (`route`). */
  readonly id: string;
  /** Its name in the navigation: a key of the `common` namespace (`screens.<id>`). */
  readonly titleKey: string;
  /** Who sees the screen in the navigation. The services decide what each may do; this only avoids offering what they would refuse. */
  readonly roles: readonly Role[];
  readonly component: ComponentType<{ route: readonly string[] }>;
}

export const SCREENS: readonly Screen[] = [
  { id: 'cs', titleKey: 'screens.cs', roles: ['cs'], component: CsScreen },
  { id: 'department', titleKey: 'screens.department', roles: ['department_handler', 'department_manager', 'management'], component: DepartmentScreen },
  { id: 'management', titleKey: 'screens.management', roles: ['management'], component: ManagementScreen },
  { id: 'policies', titleKey: 'screens.policies', roles: ['management'], component: PoliciesScreen },
  { id: 'qa', titleKey: 'screens.qa', roles: ['qa', 'management'], component: QaScreen },
  { id: 'auditor', titleKey: 'screens.auditor', roles: ['auditor', 'management', 'qa'], component: AuditorScreen },
  // CS finds tickets and customers in its own screen; the others here.
  { id: 'search', titleKey: 'search:screenTitle', roles: ['department_handler', 'department_manager', 'management', 'qa', 'auditor'], component: SearchScreen },
];

export function screensFor(role: Role): readonly Screen[] {
  return SCREENS.filter((screen) => screen.roles.includes(role));
}
