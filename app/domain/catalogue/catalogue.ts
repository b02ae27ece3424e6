/**
 * The permission catalogue: every restricted-key permission Stripe offers, in Dashboard order,
 * with lookups the manifest, the checklist and the probe engine share.
 */
import { invariant } from "~/utils/invariant";

import { rakIdFor } from "./define";
import { PERMISSION_DATA } from "./permissions";
import {
  type Category,
  type CategoryId,
  type Grant,
  type Level,
  type LevelDefinition,
  type LevelOrNone,
  type Permission,
  type RakId,
} from "./types";

export * from "./types";
export { rakIdFor } from "./define";

const CATEGORY_LABELS: Readonly<Record<CategoryId, string>> = {
  core: "Core",
  checkout: "Checkout",
  billing: "Billing",
  tax: "Tax",
  connect: "Connect",
  capital: "Capital",
  orders: "Orders",
  issuing: "Issuing",
  treasury: "Treasury",
  terminal: "Terminal",
  reporting: "Reporting",
  developers: "Developers",
};

/** Every permission in the Dashboard's order: category by category, row by row. */
export const PERMISSIONS: readonly Permission[] = PERMISSION_DATA;

/** The Dashboard's categories in order, each with its rows in order. */
export const CATEGORIES: readonly Category[] = (Object.keys(CATEGORY_LABELS) as CategoryId[]).map((id) => ({
  id,
  label: CATEGORY_LABELS[id],
  permissions: PERMISSIONS.filter((permission) => permission.category === id).map((permission) => permission.name),
}));

const byName = new Map(PERMISSIONS.map((permission) => [permission.name, permission]));
const position = new Map(PERMISSIONS.map((permission, index) => [permission.name, index]));
const rakIds = new Set<string>(PERMISSIONS.flatMap((permission) => permission.levels.map((level) => level.rakId)));

export function getPermission(name: string): Permission | undefined {
  return byName.get(name);
}

/** Like `getPermission`, for names already validated (a parsed manifest): a miss is a bug. */
export function requirePermission(name: string): Permission {
  const permission = byName.get(name);
  invariant(permission, () => `Unknown permission "${name}"`);
  return permission;
}

export function getCategory(id: CategoryId): Category {
  const category = CATEGORIES.find((candidate) => candidate.id === id);
  invariant(category, () => `Unknown category "${id}"`);
  return category;
}

export function getLevel(name: string, level: Level): LevelDefinition | undefined {
  return byName.get(name)?.levels.find((candidate) => candidate.level === level);
}

export function levelsOffered(name: string): Level[] {
  return byName.get(name)?.levels.map((definition) => definition.level) ?? [];
}

export function offersLevel(name: string, level: Level): boolean {
  return getLevel(name, level) !== undefined;
}

/** True for `rak_<name>_<level>` where the catalogue offers that level; `rak_bucket_*` toggles are not permissions. */
export function isKnownRakId(id: string): id is RakId {
  return rakIds.has(id);
}

/**
 * Reads a grant from the way Stripe writes it: `rak_customer_read` (links, legacy 403 message)
 * or `customer_read` (Stripe Apps, newer 403 message). Undefined unless the catalogue offers it.
 */
export function parseGrant(id: string): Grant | undefined {
  const match = /^(?:rak_)?([a-z0-9_]+)_(read|write)$/.exec(id);
  if (!match) return undefined;
  const grant = { name: match[1] as string, level: match[2] as Level };
  return offersLevel(grant.name, grant.level) ? grant : undefined;
}

/** The `rak_` identifier for a grant; throws for a level the permission does not offer. */
export function rakIdOf(name: string, level: Level): RakId {
  invariant(offersLevel(name, level), () => `"${name}" does not offer ${level}`);
  return rakIdFor(name, level);
}

const RANK: Readonly<Record<LevelOrNone, number>> = { none: 0, read: 1, write: 2 };

/** Whether a granted level covers a required one: write includes read (Stripe's restricted keys page). */
export function levelSatisfies(granted: LevelOrNone, required: LevelOrNone): boolean {
  return RANK[granted] >= RANK[required];
}

/** The higher of two levels. */
export function maxLevel(a: LevelOrNone, b: LevelOrNone): LevelOrNone {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Grants Stripe documents as included when `name` is granted at `level` (write includes its own read). */
export function impliedGrants(name: string, level: Level): Grant[] {
  const permission = byName.get(name);
  if (!permission) return [];
  const levels = permission.levels.filter((definition) => levelSatisfies(level, definition.level));
  const implied = levels.flatMap((definition) => definition.implies);
  const own = level === "write" && offersLevel(name, "read") ? [{ name, level: "read" as const }] : [];
  return uniqueGrants([...own, ...implied]);
}

/**
 * Other grants through which a request needing `name` at `level` can succeed: the permission's own
 * write (for a read) and every grant that implies it. A probe therefore measures effective access.
 */
export function grantsThatProvide(name: string, level: Level): Grant[] {
  const providers: Grant[] = [];
  for (const permission of PERMISSIONS) {
    for (const definition of permission.levels) {
      if (permission.name === name && definition.level === level) continue;
      const gives = impliedGrants(permission.name, definition.level);
      if (gives.some((grant) => grant.name === name && levelSatisfies(grant.level, level))) {
        providers.push({ name: permission.name, level: definition.level });
      }
    }
  }
  return providers;
}

function uniqueGrants(list: Grant[]): Grant[] {
  const seen = new Set<string>();
  return list.filter((grant) => {
    const key = `${grant.name}_${grant.level}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Sorts grants or names into Dashboard order (read before write for the same row). */
export function compareByDashboardOrder(a: Grant, b: Grant): number {
  const byRow = (position.get(a.name) ?? Number.MAX_SAFE_INTEGER) - (position.get(b.name) ?? Number.MAX_SAFE_INTEGER);
  return byRow !== 0 ? byRow : RANK[a.level] - RANK[b.level];
}

/** Where a customer finds the row: `Core › Customers`. */
export function dashboardRow(name: string): string {
  const permission = requirePermission(name);
  return `${CATEGORY_LABELS[permission.category]} › ${permission.label}`;
}

/** `Read` / `Write` / `None`, as the Dashboard's radio buttons say it. */
export function levelLabel(level: LevelOrNone): "Read" | "Write" | "None" {
  return level === "read" ? "Read" : level === "write" ? "Write" : "None";
}

export const SENSITIVE_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter((permission) => permission.sensitive);

function normalise(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^rak_/, "")
    .replace(/[\s\-./]+/g, "_")
    .replace(/_(read|write)$/, "");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The catalogue name a vendor most likely meant: an exact name after normalising case and a
 * `rak_`/`_read` dressing, then a known alias (`price` → `plan`) or Dashboard label, then the
 * closest name by edit distance if it is close enough. Undefined when nothing is plausible.
 */
export function suggestPermissionName(input: string): string | undefined {
  const wanted = normalise(input);
  if (wanted === "") return undefined;
  if (byName.has(wanted)) return wanted;
  for (const permission of PERMISSIONS) {
    if (permission.aliases.includes(wanted) || normalise(permission.label) === wanted) return permission.name;
  }
  let best: { name: string; distance: number } | undefined;
  for (const permission of PERMISSIONS) {
    for (const candidate of [permission.name, ...permission.aliases]) {
      const distance = editDistance(wanted, candidate);
      if (!best || distance < best.distance) best = { name: permission.name, distance };
    }
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 4));
  return best && best.distance <= tolerance ? best.name : undefined;
}

export { PROBE_ID_MARKER, resolveProbe, type ResolvedProbe } from "./probe-request";
