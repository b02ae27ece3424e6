/**
 * Presentational pieces of the vendor's checklist. Every prop is plain data a loader can return
 * (a `Checklist` from `buildChecklist`, or the smaller `ChecklistSummaryData`), never the
 * manifest itself, so any page can show the checklist without touching server modules.
 */
import { useId } from "react";
import type { Checklist, ChecklistGroup, ChecklistItem } from "~/domain/checklist/build-checklist";

type LevelName = "read" | "write" | "none";

const LEVEL_TEXT: Record<LevelName, string> = { read: "Read", write: "Write", none: "None" };

function LevelIcon({ level }: { level: LevelName }) {
  const common = { viewBox: "0 0 16 16", fill: "none", stroke: "currentColor", strokeWidth: 1.6, strokeLinecap: "round", strokeLinejoin: "round" } as const;
  if (level === "read") {
    return (
      <svg {...common} className="level-icon" aria-hidden="true" focusable="false">
        <path d="M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8Z" />
        <circle cx="8" cy="8" r="2" />
      </svg>
    );
  }
  if (level === "write") {
    return (
      <svg {...common} className="level-icon" aria-hidden="true" focusable="false">
        <path d="M10.5 2.5 13.5 5.5 5.5 13.5H2.5V10.5Z" />
        <path d="M8.5 4.5 11.5 7.5" />
      </svg>
    );
  }
  return (
    <svg {...common} className="level-icon" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="5.5" />
      <path d="M4.2 11.8 11.8 4.2" />
    </svg>
  );
}

/** The level as a word with an icon and a colour: the word alone carries the meaning. */
export function LevelBadge({ level }: { level: LevelName }) {
  return (
    <span className={`badge level-badge level-${level}`}>
      <LevelIcon level={level} />
      {LEVEL_TEXT[level]}
    </span>
  );
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2026-10-05" → "5 October 2026", the same on the server and in every browser (no time zones). */
export function formatIsoDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) return iso;
  return `${Number(match[3])} ${month} ${match[1]}`;
}

type Heading = "h2" | "h3" | "h4";

function lowerHeading(level: Heading): Heading {
  return level === "h2" ? "h3" : "h4";
}

/* ------------------------------------------------------------------ full list (the page) */

function RowChecks({ item }: { item: Pick<ChecklistItem, "verifiable" | "verificationNote"> }) {
  if (item.verifiable) {
    return (
      <p className="checklist-row-check checklist-check-yes">
        <span aria-hidden="true">✓ </span>Keyport checks this row on your key.
      </p>
    );
  }
  return (
    <p className="checklist-row-check checklist-check-no">
      <span className="checklist-check-mark" aria-hidden="true">
        !
      </span>{" "}
      {item.verificationNote ?? "Keyport cannot check this row on your key, so set it exactly as shown."}
    </p>
  );
}

function ChecklistRow({ item }: { item: ChecklistItem }) {
  return (
    <li className="checklist-row" data-permission={item.permission}>
      <div className="checklist-row-label">
        <span className="checklist-row-name">{item.label}</span>
        <span className="checklist-row-id">
          <span className="visually-hidden">Stripe name: </span>
          <code>{item.permission}</code>
        </span>
      </div>
      <div className="checklist-row-level">
        <span className="visually-hidden">Set to: </span>
        <LevelBadge level={item.level} />
      </div>
      <div className="checklist-row-detail">
        <p className="checklist-row-purpose">{item.purpose ?? item.description}</p>
        {item.sensitive && item.risk ? (
          <p className="checklist-row-risk">
            <span className="badge badge-bad">Sensitive</span> {item.risk}
          </p>
        ) : null}
        <RowChecks item={item} />
      </div>
    </li>
  );
}

function ChecklistGroupList({ group, heading }: { group: ChecklistGroup; heading: Heading }) {
  const id = useId();
  const H = heading;
  return (
    <div className="checklist-group">
      <H id={id} className="checklist-group-title">
        {group.label}
      </H>
      {/* role="list": Safari drops list semantics from lists styled without bullets. */}
      <ul className="checklist-rows" role="list" aria-labelledby={id}>
        {group.items.map((item) => (
          <ChecklistRow key={item.permission} item={item} />
        ))}
      </ul>
    </div>
  );
}

/**
 * Every required row, grouped and ordered as in the Dashboard, with level, purpose, risk and
 * whether Keyport can check it; then "Everything else: None".
 */
export function ChecklistPermissions({
  checklist,
  heading = "h3",
}: {
  checklist: Pick<Checklist, "groups" | "everythingElse">;
  /** The heading level of each Dashboard category. */
  heading?: Heading;
}) {
  return (
    <div className="checklist-permissions">
      {checklist.groups.map((group) => (
        <ChecklistGroupList key={group.category} group={group} heading={heading} />
      ))}
      <p className="checklist-everything-else">
        <span>{checklist.everythingElse.text.replace(/:\s*None$/, "")}</span>
        <span className="visually-hidden">: </span>
        <LevelBadge level={checklist.everythingElse.level} />
      </p>
    </div>
  );
}

/* ------------------------------------------------------------------ compact summary */

export type ChecklistSummaryData = {
  readonly vendorName: string;
  readonly version: number;
  readonly lastChanged: string;
  readonly groups: ReadonlyArray<{
    readonly category: string;
    readonly label: string;
    readonly items: ReadonlyArray<{
      readonly permission: string;
      readonly label: string;
      readonly level: "read" | "write";
      readonly sensitive: boolean;
    }>;
  }>;
  readonly everythingElse: string;
};

/** The few fields the summary needs, so a loader sends only those. */
export function toChecklistSummary(checklist: Checklist): ChecklistSummaryData {
  return {
    vendorName: checklist.vendor.name,
    version: checklist.manifest.version,
    lastChanged: checklist.manifest.lastChanged,
    groups: checklist.groups.map((group) => ({
      category: group.category,
      label: group.label,
      items: group.items.map(({ permission, label, level, sensitive }) => ({ permission, label, level, sensitive })),
    })),
    everythingElse: checklist.everythingElse.text,
  };
}

/**
 * The required rows at a glance, e.g. beside the connect form:
 * `<ChecklistSummary summary={loaderData.summary} />` with `summary: toChecklistSummary(buildChecklist(getManifest()))`.
 */
export function ChecklistSummary({
  summary,
  heading = "h2",
  title,
  checklistHref = "/checklist",
}: {
  summary: ChecklistSummaryData;
  heading?: Heading;
  /** Defaults to "What <vendor> needs". */
  title?: string;
  /** Where the full checklist lives; `null` hides the link. */
  checklistHref?: string | null;
}) {
  const id = useId();
  const H = heading;
  const G = lowerHeading(heading);
  return (
    <section className="checklist-summary" aria-labelledby={`${id}-title`}>
      <H id={`${id}-title`} className="checklist-summary-title">
        {title ?? `What ${summary.vendorName} needs`}
      </H>
      <p className="checklist-summary-meta">
        Requirements version {summary.version}, last changed <time dateTime={summary.lastChanged}>{formatIsoDate(summary.lastChanged)}</time>
      </p>
      {summary.groups.map((group) => (
        <div key={group.category} className="checklist-summary-group">
          <G id={`${id}-${group.category}`} className="checklist-summary-group-title">
            {group.label}
          </G>
          <ul role="list" aria-labelledby={`${id}-${group.category}`}>
            {group.items.map((item) => (
              <li key={item.permission}>
                <span className="checklist-summary-name">
                  {item.label}
                  {item.sensitive ? <span className="checklist-summary-sensitive"> sensitive</span> : null}
                </span>
                <LevelBadge level={item.level} />
              </li>
            ))}
          </ul>
        </div>
      ))}
      <p className="checklist-summary-else">
        <span>{summary.everythingElse.replace(/:\s*None$/, "")}</span>
        <span className="visually-hidden">: </span>
        <LevelBadge level="none" />
      </p>
      {checklistHref ? (
        <p className="checklist-summary-link">
          <a href={checklistHref}>Open the full checklist</a>
        </p>
      ) : null}
    </section>
  );
}
