import type { Role } from '../store/schema.js'

export type { Role }

/**
 * Roles are ordered: each holds everything the one before it may do.
 * - viewer: read everything but secrets.
 * - analyst: triage alerts, run incidents.
 * - engineer: also detection content and plumbing (rules, playbooks, sources).
 * - admin: also users, tokens and settings.
 */
export const ROLES: readonly Role[] = ['viewer', 'analyst', 'engineer', 'admin']

export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed)
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}
