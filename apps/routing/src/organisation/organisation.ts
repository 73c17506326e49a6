import { z } from 'zod';
import type { Department } from '@handoff/contracts';
import { ASSIGNMENT_STRATEGIES, type AssignmentStrategy } from '../tickets/assignment';

/**
 * Who works in which business department, as configuration: the handlers a ticket can be given
 * to (with the skills a `skills` strategy matches), the managers, and how each department names
 * the responsible handler when nobody claims a ticket (`manual`: a handler claims it or the
 * manager names one). Pure data; the read models add the load.
 */

export const DEPARTMENT_STRATEGIES = ['manual', ...ASSIGNMENT_STRATEGIES] as const;
export type DepartmentStrategy = (typeof DEPARTMENT_STRATEGIES)[number];

export interface StaffMember {
  /** The `sub` of the person's token: what events record as the actor and the handler. */
  readonly id: string;
  readonly name: string;
}

export interface DepartmentHandler extends StaffMember {
  /** Free tags matched against a ticket: categories, `complaint`, platforms, languages. */
  readonly skills: readonly string[];
}

export interface DepartmentDefinition {
  readonly id: Department;
  readonly name: string;
  readonly strategy: DepartmentStrategy;
  /**
   * The most tickets in progress one handler is given automatically; absent: no limit. A ticket
   * arriving when every handler at work is at the limit waits, first in first out, for a free one.
   * Claims and a manager's choice are not held to it.
   */
  readonly wipLimit?: number;
  readonly handlers: readonly DepartmentHandler[];
  readonly managers: readonly StaffMember[];
}

export interface Organisation {
  readonly departments: readonly DepartmentDefinition[];
}

export function departmentOf(organisation: Organisation, id: Department): DepartmentDefinition | undefined {
  return organisation.departments.find((department) => department.id === id);
}

export function isHandlerOf(organisation: Organisation, department: Department, handlerId: string): boolean {
  return departmentOf(organisation, department)?.handlers.some((handler) => handler.id === handlerId) ?? false;
}

/** The strategy to assign with, or undefined when the department assigns by hand (or is unknown). */
export function automaticStrategyOf(organisation: Organisation, department: Department): AssignmentStrategy | undefined {
  const strategy = departmentOf(organisation, department)?.strategy;
  return strategy === undefined || strategy === 'manual' ? undefined : strategy;
}

// ---------------------------------------------------------------------------------------------
// Configuration

const identifier = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a lowercase identifier such as technical_support');
const staffId = z.string().trim().min(1).max(64);
const displayName = z.string().trim().min(1).max(120);
const staffMember = z.strictObject({ id: staffId, name: displayName });

export const organisationSchema = z
  .strictObject({
    departments: z
      .array(
        z.strictObject({
          id: identifier,
          name: displayName,
          strategy: z.enum(DEPARTMENT_STRATEGIES),
          wipLimit: z.number().int().min(1).max(1000).optional(),
          handlers: z.array(staffMember.extend({ skills: z.array(z.string().trim().min(1).max(64)).default([]) })),
          managers: z.array(staffMember),
        }),
      )
      .min(1, 'must name at least one department'),
  })
  .superRefine((organisation, context) => {
    const departments = new Set<string>();
    const people = new Map<string, string>();
    organisation.departments.forEach((department, index) => {
      if (departments.has(department.id)) {
        context.addIssue({ code: 'custom', path: ['departments', index, 'id'], message: `department ${department.id} is listed twice` });
      }
      departments.add(department.id);
      if (department.strategy !== 'manual' && department.handlers.length === 0) {
        context.addIssue({
          code: 'custom',
          path: ['departments', index, 'handlers'],
          message: `strategy ${department.strategy} needs at least one handler (or use manual)`,
        });
      }
      // A token carries one department, so a person belongs to exactly one.
      (['handlers', 'managers'] as const).forEach((group) =>
        department[group].forEach((person, position) => {
          const seenIn = people.get(person.id);
          if (seenIn !== undefined) {
            context.addIssue({
              code: 'custom',
              path: ['departments', index, group, position, 'id'],
              message: `${person.id} is already listed in ${seenIn}`,
            });
          }
          people.set(person.id, department.id);
        }),
      );
    });
  });

/**
 * A starting point for the local stack, covering every department the default routing rules
 * name. Technical support matches skills, billing balances load, logistics rotates, and the
 * departments that see few tickets assign by hand. Real staff lists are configuration.
 */
export const DEFAULT_ORGANISATION: Organisation = {
  departments: [
    {
      id: 'technical_support',
      name: 'Technical support',
      strategy: 'skills',
      handlers: [
        { id: 'tech-chen', name: 'Chen Jie', skills: ['technical_support', 'web_chat'] },
        { id: 'tech-liu', name: 'Liu Yang', skills: ['technical_support', 'complaint', 'wechat'] },
        { id: 'tech-sun', name: 'Sun Hao', skills: ['technical_support', 'douyin', 'weibo'] },
      ],
      managers: [{ id: 'tech-manager-zhao', name: 'Zhao Min' }],
    },
    {
      id: 'billing',
      name: 'Billing',
      strategy: 'least_loaded',
      handlers: [
        { id: 'billing-wu', name: 'Wu Lei', skills: ['billing', 'complaint'] },
        { id: 'billing-zhou', name: 'Zhou Xin', skills: ['billing'] },
      ],
      managers: [{ id: 'billing-manager-qian', name: 'Qian Li' }],
    },
    {
      id: 'logistics',
      name: 'Logistics',
      strategy: 'round_robin',
      handlers: [
        { id: 'logistics-he', name: 'He Ping', skills: ['logistics'] },
        { id: 'logistics-ma', name: 'Ma Jun', skills: ['logistics', 'complaint'] },
      ],
      managers: [{ id: 'logistics-manager-lin', name: 'Lin Tao' }],
    },
    {
      id: 'product',
      name: 'Product',
      strategy: 'manual',
      handlers: [{ id: 'product-guo', name: 'Guo Rui', skills: ['product'] }],
      managers: [{ id: 'product-manager-xu', name: 'Xu Ning' }],
    },
    {
      id: 'marketing',
      name: 'Marketing',
      strategy: 'manual',
      handlers: [{ id: 'marketing-hu', name: 'Hu Yan', skills: ['market_information'] }],
      managers: [{ id: 'marketing-manager-luo', name: 'Luo Dan' }],
    },
    {
      id: 'customer_care',
      name: 'Customer care',
      strategy: 'manual',
      handlers: [
        { id: 'care-yang', name: 'Yang Qing', skills: ['general', 'complaint'] },
        { id: 'care-zheng', name: 'Zheng Kai', skills: ['general'] },
      ],
      managers: [{ id: 'care-manager-feng', name: 'Feng Yu' }],
    },
  ],
};
