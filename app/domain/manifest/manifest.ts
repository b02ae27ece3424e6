/**
 * Questions asked of a validated manifest. Everything is in the Dashboard's order so the
 * checklist, the create link and the probe report list permissions the same way.
 */
import {
  PERMISSIONS,
  SENSITIVE_PERMISSIONS,
  compareByDashboardOrder,
  requirePermission,
  rakIdOf,
  type Grant,
  type LevelOrNone,
  type Mode,
  type Permission,
  type RakId,
} from "~/domain/catalogue/catalogue";

import { type Manifest } from "./manifest-schema";

export * from "./manifest-schema";

export type RequiredPermission = Grant & {
  readonly permission: Permission;
  readonly rakId: RakId;
  readonly purpose?: string;
};

/** The level the manifest asks for; `none` for everything it does not list. */
export function requiredLevel(manifest: Manifest, name: string): LevelOrNone {
  return requirementOf(manifest, name)?.level ?? "none";
}

function requirementOf(manifest: Manifest, name: string) {
  return Object.hasOwn(manifest.permissions, name) ? manifest.permissions[name] : undefined;
}

export function isRequired(manifest: Manifest, name: string): boolean {
  return requiredLevel(manifest, name) !== "none";
}

export function purposeOf(manifest: Manifest, name: string): string | undefined {
  return requirementOf(manifest, name)?.purpose;
}

/** The required grants in Dashboard order. */
export function requiredGrants(manifest: Manifest): Grant[] {
  return Object.entries(manifest.permissions)
    .map(([name, requirement]) => ({ name, level: requirement.level }))
    .sort(compareByDashboardOrder);
}

/** The required grants with their catalogue entry, `rak_` id and purpose, in Dashboard order. */
export function requiredPermissions(manifest: Manifest): RequiredPermission[] {
  return requiredGrants(manifest).map((grant) => {
    const purpose = purposeOf(manifest, grant.name);
    return {
      ...grant,
      permission: requirePermission(grant.name),
      rakId: rakIdOf(grant.name, grant.level),
      ...(purpose === undefined ? {} : { purpose }),
    };
  });
}

export function acceptsMode(manifest: Manifest, mode: Mode): boolean {
  return manifest.modes.includes(mode);
}

/** Sensitive permissions the vendor does not need at all: a grant of any of them is a dangerous extra. */
export function unneededSensitivePermissions(manifest: Manifest): Permission[] {
  return SENSITIVE_PERMISSIONS.filter((permission) => !isRequired(manifest, permission.name));
}

/** Permissions the manifest leaves at None, in Dashboard order. */
export function unrequiredPermissions(manifest: Manifest): Permission[] {
  return PERMISSIONS.filter((permission) => !isRequired(manifest, permission.name));
}
