import { levelLabel } from "~/domain/catalogue/catalogue";
import type { Finding, KeyCheckReport } from "./report";

export const FINDING_LABELS: Record<Finding, string> = {
  ok: "ok",
  missing: "missing",
  insufficient: "read only, needs write",
  excess_write: "can write, needs only read",
  excess_access: "not needed",
  unknown: "could not tell",
  unverified: "cannot be checked",
};

const VERDICT_LABELS = { accepted: "ACCEPTED", rejected: "REJECTED", inconclusive: "COULD NOT CHECK" } as const;

/** The report for a terminal: plain text, no colour needed to read it. */
export function renderReportText(report: KeyCheckReport): string {
  const lines: string[] = [];
  const key = report.key.last4 ? `${report.key.type} key …${report.key.last4}` : `${report.key.type} key`;
  lines.push(`Key check: ${VERDICT_LABELS[report.verdict]}`);
  lines.push(
    [key, report.key.mode ? `${report.key.mode} mode` : null, report.account ? `account ${report.account}` : null, `manifest v${report.manifestVersion}`, `${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s`]
      .filter(Boolean)
      .join(" · "),
  );
  lines.push("", report.summary);

  if (report.permissions.length > 0) {
    const rows = report.permissions.map((p) => [p.dashboardRow, levelLabel(p.required), p.granted === "unknown" ? "?" : levelLabel(p.granted), FINDING_LABELS[p.finding]]);
    const header = ["Permission", "Required", "Granted", "Finding"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
    lines.push("", format(header), format(widths.map((w) => "-".repeat(w))), ...rows.map(format));
  }

  if (report.problems.length > 0) {
    lines.push("", "What to do:");
    for (const problem of report.problems) {
      lines.push(`  ${problem.severity === "error" ? "✗" : "!"} ${problem.message}`);
      if (problem.fix) lines.push(`    Fix: ${problem.fix}`);
      for (const step of problem.guidance ?? []) lines.push(`    - ${step}`);
    }
  }
  if (report.verdict !== "accepted" && report.createKeyLink) {
    lines.push("", `Create a key with exactly the permissions needed: ${report.createKeyLink}`);
  }
  return lines.join("\n");
}
