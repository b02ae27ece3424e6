/**
 * Small builders that keep the catalogue data (permissions.ts) readable: one line per probe,
 * and `rak_` identifiers derived instead of typed 158 times.
 */
import { invariant } from "~/utils/invariant";

import {
  PROBE_ID_PLACEHOLDER,
  type CategoryId,
  type Grant,
  type Level,
  type LevelDefinition,
  type Permission,
  type Probe,
  type ProbeParams,
  type ProbeRequest,
  type Provenance,
  type RakId,
  type Unprobeable,
} from "./types";

export function rakIdFor(name: string, level: Level): RakId {
  return `rak_${name}_${level}`;
}

type ProbeOptions = { caveat?: string; testModeOnly?: boolean };

function withOptions(probe: ProbeRequest, options: ProbeOptions): ProbeRequest {
  return {
    ...probe,
    ...(options.caveat ? { caveat: options.caveat } : {}),
    ...(options.testModeOnly ? { testModeOnly: true } : {}),
  };
}

/** Read probe: a list with `limit=1` (the cheapest read a list endpoint offers). */
export function list(path: string, params: ProbeParams = {}, options: ProbeOptions = {}): ProbeRequest {
  return withOptions({ kind: "request", method: "GET", path, params: { limit: 1, ...params }, expect: "ok" }, options);
}

/** Read probe: a singleton GET such as `/v1/balance`, which has no list form. */
export function singleton(path: string, options: ProbeOptions = {}): ProbeRequest {
  return withOptions({ kind: "request", method: "GET", path, expect: "ok" }, options);
}

function fakeId(idPrefix: string | null): string {
  return idPrefix === null ? PROBE_ID_PLACEHOLDER : `${idPrefix}_${PROBE_ID_PLACEHOLDER}`;
}

function missing(
  method: ProbeRequest["method"],
  collection: string,
  idPrefix: string | null,
  action: string | null,
  options: ProbeOptions,
): ProbeRequest {
  const path = `${collection}/${fakeId(idPrefix)}${action ? `/${action}` : ""}`;
  return withOptions(
    { kind: "request", method, path, expect: "resource_missing", ...(idPrefix === null ? {} : { idPrefix }) },
    options,
  );
}

/** Read probe for objects without a list endpoint: retrieve an id that cannot exist. */
export function retrieveMissing(collection: string, idPrefix: string, options: ProbeOptions = {}): ProbeRequest {
  return missing("GET", collection, idPrefix, null, options);
}

/**
 * Write probe: an empty update of an id that cannot exist. Preferred over delete or an action:
 * even if the id somehow existed, an update without parameters changes nothing.
 */
export function updateMissing(collection: string, idPrefix: string | null, options: ProbeOptions = {}): ProbeRequest {
  return missing("POST", collection, idPrefix, null, options);
}

/** Write probe where the object has no update endpoint: delete an id that cannot exist. */
export function deleteMissing(collection: string, idPrefix: string, options: ProbeOptions = {}): ProbeRequest {
  return missing("DELETE", collection, idPrefix, null, options);
}

/** Write probe where the object has neither update nor delete: an action on an id that cannot exist. */
export function actionMissing(collection: string, idPrefix: string, action: string, options: ProbeOptions = {}): ProbeRequest {
  return missing("POST", collection, idPrefix, action, options);
}

export function unprobeable(reason: string): Unprobeable {
  return { kind: "unprobeable", reason };
}

/** Parses `"product_read"` into a grant; the catalogue's tests check that every implied name exists. */
export function grants(...ids: string[]): Grant[] {
  return ids.map((id) => {
    const match = /^(.+)_(read|write)$/.exec(id);
    invariant(match, () => `Not a <name>_<level> grant: ${id}`);
    return { name: match[1] as string, level: match[2] as Level };
  });
}

type LevelSpec = { probe: Probe; implies?: Grant[] };

type PermissionSpec = {
  name: string;
  label: string;
  description: string;
  read?: LevelSpec;
  write?: LevelSpec;
  risk?: string;
  aliases?: string[];
  provenance?: Provenance;
  levelProvenance?: Partial<Record<Level, Provenance>>;
};

/** Builds one row. A `risk` note makes the permission sensitive; there is no other way to mark it. */
export function permission(category: CategoryId, spec: PermissionSpec): Permission {
  const levels: LevelDefinition[] = [];
  for (const level of ["read", "write"] as const) {
    const levelSpec = spec[level];
    if (!levelSpec) continue;
    levels.push({ level, rakId: rakIdFor(spec.name, level), implies: levelSpec.implies ?? [], probe: levelSpec.probe });
  }
  return {
    name: spec.name,
    category,
    label: spec.label,
    description: spec.description,
    levels,
    sensitive: spec.risk !== undefined,
    ...(spec.risk !== undefined ? { risk: spec.risk } : {}),
    aliases: spec.aliases ?? [],
    provenance: spec.provenance ?? "managed-keys",
    ...(spec.levelProvenance ? { levelProvenance: spec.levelProvenance } : {}),
  };
}
