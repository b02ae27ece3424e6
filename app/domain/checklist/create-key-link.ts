/**
 * The Dashboard's pre-filled "create restricted key" link (stripe-rak.md §5; undocumented by
 * Stripe, used by PostHog, Polar, Supaffi and others):
 *   https://dashboard.stripe.com[/test]/apikeys/create?name=…&permissions[]=rak_…&permissions[]=rak_…
 * - `permissions[]` is repeated, one `rak_` id per row; a comma-joined value selects nothing (Supaffi).
 * - The account id stays out of the path: Stripe uses the account open in the browser (Supaffi).
 * - The form silently ignores identifiers it does not know, and the customer can still change rows,
 *   so a link is a convenience: Keyport verifies the key it receives.
 */
import { invariant } from "~/utils/invariant";

import { compareByDashboardOrder, isKnownRakId, maxLevel, offersLevel, rakIdFor, type Grant, type Mode } from "~/domain/catalogue/catalogue";

export const STRIPE_DASHBOARD_ORIGIN = "https://dashboard.stripe.com";

export type CreateKeyLinkInput = {
  readonly mode: Mode;
  /** The key name the form is filled with, e.g. "API key for Acme". */
  readonly name: string;
  /** The rows to fill in, in any order; a row named twice gets the higher level (a row is one radio group). */
  readonly grants: readonly Grant[];
};

/**
 * Builds the link with its `rak_` ids in Dashboard order, so the same manifest always gives the
 * same link. A grant the catalogue does not offer is a programming error and throws.
 */
export function buildCreateKeyLink({ mode, name, grants }: CreateKeyLinkInput): string {
  invariant(name.trim() !== "", "A key name is required");
  const highest = new Map<string, Grant>();
  for (const grant of grants) {
    invariant(offersLevel(grant.name, grant.level), () => `"${grant.name}" does not offer ${grant.level}`);
    const seen = highest.get(grant.name);
    highest.set(grant.name, seen ? { name: grant.name, level: maxLevel(seen.level, grant.level) as Grant["level"] } : grant);
  }
  const ids = [...highest.values()].sort(compareByDashboardOrder).map((grant) => {
    const id = rakIdFor(grant.name, grant.level);
    invariant(isKnownRakId(id), () => `Unknown identifier ${id}`);
    return id;
  });
  const base = `${STRIPE_DASHBOARD_ORIGIN}${mode === "test" ? "/test" : ""}/apikeys/create`;
  const query = [`name=${encodeURIComponent(name)}`, ...ids.map((id) => `permissions[]=${id}`)];
  return `${base}?${query.join("&")}`;
}
