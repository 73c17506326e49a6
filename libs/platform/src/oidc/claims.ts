import { z } from 'zod';
import { PERSON_ROLES, type Actor, type Role } from '@handoff/contracts';

type PersonRole = Exclude<Role, 'system'>;

/** The department names the rest of Handoff uses (routing's organisation, the development sign-in). */
export const DEPARTMENT_NAME = /^[a-z0-9_]{1,64}$/;
/** A person's id is written into every event they cause: short, printable, no spaces. */
export const PERSON_ID = /^[A-Za-z0-9._:@+-]{1,128}$/;

export const groupRuleSchema = z
  .strictObject({
    group: z.string().min(1).max(256),
    role: z.enum(PERSON_ROLES as [PersonRole, ...PersonRole[]]).optional(),
    department: z.string().regex(DEPARTMENT_NAME, 'must be a department name (a-z, 0-9, _)').optional(),
  })
  .refine((rule) => rule.role !== undefined || rule.department !== undefined, 'a rule names a role, a department or both');

/** OIDC_GROUP_MAPPING_FILE: `{ "groups": [{ "group": "...", "role": "...", "department": "..." }] }`, in order. */
export const groupMappingSchema = z.strictObject({ groups: z.array(groupRuleSchema).max(1000) });
export type GroupRule = z.infer<typeof groupRuleSchema>;

/** Where a person's id, role and department are read from in the provider's tokens. */
export interface ClaimMapping {
  readonly userClaim: string;
  readonly roleClaim?: string;
  readonly departmentClaim?: string;
  readonly groupsClaim: string;
  readonly groups: readonly GroupRule[];
}

/** `unmapped`: the provider knows the person, Handoff has no role for them (not a broken token). */
export type ClaimCheck = { ok: true; actor: Actor } | { ok: false; reason: string; unmapped?: true };

/**
 * The person a provider's claims name, or why they cannot work in Handoff.
 *
 * A claim given by the provider wins over the group mapping, so an organisation can move from one
 * to the other a person at a time. Among the groups, the mapping file's order decides: the first
 * rule for one of the person's groups that names a role gives the role, and likewise for the
 * department, so a manager who is also in the staff group is mapped by the rule listed first.
 * Nobody gets a role by default: an unmapped person is refused, never let in as CS.
 */
export function actorFromClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): ClaimCheck {
  const id = claimOf(claims, mapping.userClaim);
  if (typeof id !== 'string' || id === '') return { ok: false, reason: `the token has no ${mapping.userClaim} claim to name the person` };
  if (!PERSON_ID.test(id)) return { ok: false, reason: `the ${mapping.userClaim} claim is not a usable person id (letters, digits and . _ : @ + -, up to 128)` };

  const groups = groupsOf(claimOf(claims, mapping.groupsClaim));
  const matching = mapping.groups.filter((rule) => groups.includes(rule.group));

  let role: PersonRole | undefined;
  const claimedRole = mapping.roleClaim === undefined ? undefined : claimOf(claims, mapping.roleClaim);
  if (claimedRole !== undefined) {
    if (!PERSON_ROLES.includes(claimedRole as PersonRole)) {
      return { ok: false, unmapped: true, reason: `the ${mapping.roleClaim} claim names no Handoff role (one of ${PERSON_ROLES.join(', ')})` };
    }
    role = claimedRole as PersonRole;
  } else {
    role = matching.find((rule) => rule.role !== undefined)?.role;
  }
  if (role === undefined) {
    const sources = [mapping.roleClaim ? `no ${mapping.roleClaim} claim` : undefined, groups.length > 0 ? `none of the groups (${groups.join(', ')}) is mapped to a role` : `no ${mapping.groupsClaim} claim`];
    return { ok: false, unmapped: true, reason: `${id} has no Handoff role: ${sources.filter(Boolean).join(' and ')}` };
  }

  const claimedDepartment = mapping.departmentClaim === undefined ? undefined : claimOf(claims, mapping.departmentClaim);
  if (claimedDepartment !== undefined && (typeof claimedDepartment !== 'string' || !DEPARTMENT_NAME.test(claimedDepartment))) {
    return { ok: false, reason: `the ${mapping.departmentClaim} claim is not a department name (a-z, 0-9, _)` };
  }
  const department = (claimedDepartment as string | undefined) ?? matching.find((rule) => rule.department !== undefined)?.department;
  if ((role === 'department_handler' || role === 'department_manager') && department === undefined) {
    return { ok: false, unmapped: true, reason: `${id} is a ${role} without a department: neither a ${mapping.departmentClaim ?? 'department'} claim nor a mapped group gives one` };
  }
  return { ok: true, actor: { id, role, ...(department !== undefined ? { department } : {}) } };
}

/**
 * A claim by its exact name (providers namespace claims with URLs, dots included), else, when the
 * name has dots, followed through nested objects (Keycloak's `realm_access.roles`).
 */
export function claimOf(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, name)) return claims[name];
  if (!name.includes('.')) return undefined;
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Providers send groups as a list, some as one space- or comma-separated string. */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}
