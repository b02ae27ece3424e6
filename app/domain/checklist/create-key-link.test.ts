import { describe, expect, it } from "vitest";

import { PERMISSIONS, isKnownRakId, type Grant } from "~/domain/catalogue/catalogue";

import { buildCreateKeyLink } from "./create-key-link";

function permissionsOf(url: string): string[] {
  return new URL(url).searchParams.getAll("permissions[]");
}

const grants: Grant[] = [
  { name: "webhook", level: "write" },
  { name: "subscription", level: "read" },
  { name: "customer", level: "read" },
  { name: "checkout_session", level: "write" },
];

describe("buildCreateKeyLink", () => {
  it("opens the live form at /apikeys/create and the test form under /test", () => {
    const live = new URL(buildCreateKeyLink({ mode: "live", name: "Acme", grants }));
    const test = new URL(buildCreateKeyLink({ mode: "test", name: "Acme", grants }));
    expect(`${live.origin}${live.pathname}`).toBe("https://dashboard.stripe.com/apikeys/create");
    expect(`${test.origin}${test.pathname}`).toBe("https://dashboard.stripe.com/test/apikeys/create");
  });

  it("repeats permissions[] once per row, in the Dashboard's order whatever the input order", () => {
    const url = buildCreateKeyLink({ mode: "live", name: "Acme", grants });
    expect(permissionsOf(url)).toEqual([
      "rak_customer_read",
      "rak_checkout_session_write",
      "rak_subscription_read",
      "rak_webhook_write",
    ]);
    expect(url).toContain("&permissions[]=rak_customer_read&permissions[]=rak_checkout_session_write&");
    expect(buildCreateKeyLink({ mode: "live", name: "Acme", grants: [...grants].reverse() })).toBe(url);
  });

  it("uses only rak_ ids the catalogue knows, for every grant the catalogue offers", () => {
    const everything = PERMISSIONS.flatMap((permission) => permission.levels.map((level) => ({ name: permission.name, level: level.level })));
    const ids = permissionsOf(buildCreateKeyLink({ mode: "test", name: "All", grants: everything }));
    expect(ids.length).toBe(PERMISSIONS.length);
    expect(ids.every(isKnownRakId)).toBe(true);
  });

  it("keeps the higher level when a row is named twice, since a row is one choice", () => {
    const url = buildCreateKeyLink({
      mode: "live",
      name: "Acme",
      grants: [
        { name: "customer", level: "write" },
        { name: "customer", level: "read" },
        { name: "customer", level: "write" },
      ],
    });
    expect(permissionsOf(url)).toEqual(["rak_customer_write"]);
  });

  it("URL-encodes the key name so it survives spaces, ampersands and non-ASCII letters", () => {
    const name = "API key for Café & Co #1 / 100%";
    const url = buildCreateKeyLink({ mode: "live", name, grants });
    expect(url).toContain("?name=API%20key%20for%20Caf%C3%A9%20%26%20Co%20%231%20%2F%20100%25&");
    expect(new URL(url).searchParams.get("name")).toBe(name);
    expect(permissionsOf(url)).toHaveLength(4);
  });

  it("refuses a level the row does not offer, or a name the catalogue does not know", () => {
    expect(() => buildCreateKeyLink({ mode: "live", name: "Acme", grants: [{ name: "balance", level: "write" }] })).toThrow(
      /balance.*does not offer write/,
    );
    expect(() => buildCreateKeyLink({ mode: "live", name: "Acme", grants: [{ name: "price", level: "read" }] })).toThrow();
    expect(() => buildCreateKeyLink({ mode: "live", name: " ", grants })).toThrow(/name/);
  });
});
