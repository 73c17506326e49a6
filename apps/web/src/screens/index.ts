import type { ComponentType } from 'react';
import type { Role } from '../session';
import { AuditorScreen } from './auditor/auditor-screen';
import { CsScreen } from './cs/cs-screen';
import { DepartmentScreen } from './department/department-screen';
import { ManagementScreen } from './management/management-screen';
import { QaScreen } from './qa/qa-screen';

export interface Screen {
  /** First part of the hash route: `#/<id>/...`; the rest is the screen's own (`route`). */
  readonly id: string;
  readonly title: string;
  /** Who sees the screen in the navigation. The services decide what each may do; this only avoids offering what they would refuse. */
  readonly roles: readonly Role[];
  readonly component: ComponentType<{ route: readonly string[] }>;
}

export const SCREENS: readonly Screen[] = [
  { id: 'cs', title: 'Customer service', roles: ['cs'], component: CsScreen },
  { id: 'department', title: 'Department queue', roles: ['department_handler', 'department_manager', 'management'], component: DepartmentScreen },
  { id: 'management', title: 'Management', roles: ['management'], component: ManagementScreen },
  { id: 'qa', title: 'Quality', roles: ['qa', 'management'], component: QaScreen },
  { id: 'auditor', title: 'Audit', roles: ['auditor', 'management', 'qa'], component: AuditorScreen },
];

export function screensFor(role: Role): readonly Screen[] {
  return SCREENS.filter((screen) => screen.roles.includes(role));
}
