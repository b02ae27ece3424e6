/**
 * Text renderings of the checklist: Markdown for vendors' own docs (/checklist.md) and plain
 * text for "copy as text". Both only read the structure `buildChecklist` returns.
 */
import { type Checklist, type ChecklistItem } from "./build-checklist";

/** Escapes text that comes from the manifest so it cannot become Markdown markup. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*[\]<>|]/g, "\\$&")
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, "\\_");
}

function markdownRow(item: ChecklistItem): string {
  const notes = [item.purpose, item.verifiable ? undefined : item.verificationNote].filter(Boolean).map(String);
  const why = notes.length === 0 ? "" : notes.map(escapeMarkdown).join("<br>");
  return `| ${escapeMarkdown(item.label)} | **${item.levelLabel}** | ${why} |`;
}

export function renderChecklistMarkdown(checklist: Checklist): string {
  const { vendor, manifest } = checklist;
  const lines: string[] = [
    `# Create a Stripe restricted key for ${escapeMarkdown(vendor.name)}`,
    "",
    escapeMarkdown(checklist.intro),
    "",
    `Requirements version ${manifest.version}, last changed ${manifest.lastChanged}${manifest.changes ? `: ${escapeMarkdown(manifest.changes)}` : "."}`,
    "",
    "## Permissions",
    "",
  ];
  for (const group of checklist.groups) {
    lines.push(`### ${escapeMarkdown(group.label)}`, "", "| Resource | Permission | Why |", "| --- | --- | --- |");
    lines.push(...group.items.map(markdownRow), "");
  }
  lines.push(`**${checklist.everythingElse.text}**`, "", escapeMarkdown(checklist.extraAccessPolicy), "");

  lines.push("## Step by step", "");
  checklist.steps.forEach((step, index) => {
    lines.push(`${index + 1}. ${escapeMarkdown(step.title)}${step.detail ? ` ${escapeMarkdown(step.detail)}` : ""}`);
  });
  lines.push("");

  if (checklist.ipAllowlist.length > 0) {
    lines.push("## IP addresses to allow", "", ...checklist.ipAllowlist.map((address) => `- \`${address}\``), "");
  }

  lines.push("## Pre-filled links", "");
  lines.push(...checklist.createLinks.map((link) => `- [${link.label}](<${link.url}>)`), "");
  lines.push(escapeMarkdown(checklist.createLinkNote), "");

  const why = checklist.whyLeastPrivilege;
  lines.push(`## ${escapeMarkdown(why.title)}`, "", ...why.paragraphs.flatMap((paragraph) => [escapeMarkdown(paragraph), ""]));
  lines.push(`Source: [${escapeMarkdown(why.source.title)}](${why.source.url})`, "");
  return lines.join("\n");
}

function textItem(item: ChecklistItem): string[] {
  const lines = [`  ${item.label}: ${item.levelLabel}`];
  if (item.purpose) lines.push(`    Why: ${item.purpose}`);
  if (!item.verifiable && item.verificationNote) lines.push(`    Note: ${item.verificationNote}`);
  return lines;
}

export function renderChecklistText(checklist: Checklist): string {
  const { vendor, manifest } = checklist;
  const lines: string[] = [
    `Stripe restricted key for ${vendor.name}`,
    `Requirements version ${manifest.version}, last changed ${manifest.lastChanged}${manifest.changes ? `: ${manifest.changes}` : ""}`,
    "",
    `Key name: ${checklist.keyName}`,
    "",
    "Permissions:",
  ];
  for (const group of checklist.groups) {
    lines.push(`${group.label}`, ...group.items.flatMap(textItem));
  }
  lines.push(checklist.everythingElse.text, "", "Steps:");
  checklist.steps.forEach((step, index) => {
    lines.push(`${index + 1}. ${step.title}${step.detail ? ` ${step.detail}` : ""}`);
  });
  if (checklist.ipAllowlist.length > 0) {
    lines.push("", `IP addresses to allow: ${checklist.ipAllowlist.join(", ")}`);
  }
  lines.push("", "Pre-filled links:");
  lines.push(...checklist.createLinks.map((link) => `${link.label}: ${link.url}`));
  lines.push(checklist.createLinkNote, "", checklist.extraAccessPolicy, "");
  return lines.join("\n");
}
