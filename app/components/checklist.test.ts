import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { buildChecklist } from "~/domain/checklist/build-checklist";
import { parseManifest } from "~/domain/manifest/manifest-schema";
import { ChecklistSummary, formatIsoDate, toChecklistSummary } from "./checklist";

function manifest(permissions: Record<string, unknown>) {
  return parseManifest({
    version: 7,
    lastChanged: "2026-02-03",
    vendor: { name: "Acme", website: "https://acme.example", supportEmail: "help@acme.example", keyName: "API key for Acme" },
    permissions,
    modes: ["test"],
    excessWrite: "warn",
  });
}

/** The visible text of each element matching `tag`, in document order. */
function texts(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}[^>]*>(.*?)</${tag}>`, "gs"))].map((match) => (match[1] ?? "").replace(/<[^>]+>/g, "").trim());
}

describe("ChecklistSummary", () => {
  // Listed out of order on purpose: Subscriptions (Billing) before Customers (Core).
  const checklist = buildChecklist(manifest({ subscription: "read", customer: { level: "write", purpose: "Sync contacts." }, event: "read" }));
  const summary = toChecklistSummary(checklist);

  it("takes plain data that survives a loader's serialisation unchanged", () => {
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(JSON.stringify(summary)).not.toContain("Sync contacts.");
  });

  it("shows each required row with its level, grouped as in the Dashboard, then everything else at None", () => {
    const html = renderToStaticMarkup(createElement(ChecklistSummary, { summary, heading: "h3" }));
    expect(texts(html, "h3")).toEqual(["What Acme needs"]);
    expect(texts(html, "h4")).toEqual(["Core", "Billing"]);
    expect(texts(html, "li")).toEqual(["Customers sensitiveWrite", "EventsRead", "SubscriptionsRead"]);
    expect(html).toContain("Everything else");
    expect(html).toMatch(/Everything else.*None/s);
    expect(html).toContain('<time dateTime="2026-02-03">3 February 2026</time>');
    expect(html).toContain('href="/checklist"');
  });

  it("can leave out the link to the full checklist", () => {
    const html = renderToStaticMarkup(createElement(ChecklistSummary, { summary, checklistHref: null }));
    expect(html).not.toContain("href=");
  });
});

describe("formatIsoDate", () => {
  it("writes the day, the month's name and the year, and leaves anything else as it is", () => {
    expect(formatIsoDate("2026-10-05")).toBe("5 October 2026");
    expect(formatIsoDate("2026-13-05")).toBe("2026-13-05");
    expect(formatIsoDate("yesterday")).toBe("yesterday");
  });
});
