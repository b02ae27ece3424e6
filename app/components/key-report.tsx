import type { Finding, KeyCheckReport } from "~/domain/report/report";
import { TableScroll } from "./table-scroll";

const VERDICT = {
  accepted: { className: "alert-ok", icon: "✓", title: { connect: "Key accepted", health: "The key works as needed" } },
  rejected: { className: "alert-bad", icon: "✗", title: { connect: "This key can't be used yet", health: "The key has a problem" } },
  inconclusive: { className: "alert-warn", icon: "!", title: { connect: "We could not check this key", health: "The last check could not finish" } },
} as const;

const FINDING: Record<Finding, { label: string; className: string }> = {
  ok: { label: "OK", className: "badge-ok" },
  missing: { label: "Missing", className: "badge-bad" },
  insufficient: { label: "Needs Write", className: "badge-bad" },
  excess_write: { label: "Can write, only Read needed", className: "badge-warn" },
  excess_access: { label: "Not needed", className: "badge-warn" },
  unknown: { label: "Could not tell", className: "badge-warn" },
  unverified: { label: "Cannot be checked", className: "badge-neutral" },
};

const LEVEL = { none: "None", read: "Read", write: "Write", unknown: "?" } as const;

/**
 * A key check in plain words: verdict (colour and text), what to change and where, and the row
 * by row result. Takes the report as a loader or stream returns it; it holds no key material.
 */
export function KeyReport({
  report,
  headingLevel = 2,
  context = "connect",
}: {
  report: KeyCheckReport;
  headingLevel?: 2 | 3;
  /** "connect" for a key just pasted, "health" for a stored key's latest check. */
  context?: "connect" | "health";
}) {
  const verdict = VERDICT[report.verdict];
  const Heading = `h${headingLevel}` as "h2";
  const Sub = `h${headingLevel + 1}` as "h3";
  // "Could not check" is the verdict itself, already said in the banner: not something to change.
  // A problem that only repeats the banner (a refusal, an expired key) adds nothing unless it says what to do.
  const actionable = report.problems.filter(
    (p) => p.code !== "could_not_check" && (p.message !== report.summary || p.fix || p.guidance?.length),
  );
  const errors = actionable.filter((p) => p.severity === "error");
  const warnings = actionable.filter((p) => p.severity === "warning");
  return (
    <section className="key-report" aria-labelledby="key-report-title">
      <div className={`alert ${verdict.className}`} role={report.verdict === "accepted" ? "status" : "alert"}>
        <Heading id="key-report-title" className="alert-title">
          <span aria-hidden="true">{verdict.icon} </span>
          {verdict.title[context]}
        </Heading>
        <p>{report.summary}</p>
        <p className="small muted report-facts">
          {[
            report.key.last4 ? `${report.key.type === "restricted" ? "Restricted" : capitalise(report.key.type.replace("_", " "))} key …${report.key.last4}` : null,
            report.key.mode ? `${report.key.mode} mode` : null,
            report.account ? `Stripe account ${report.account}` : null,
            report.requests > 0 ? `checked with ${report.requests} read-only requests in ${(report.durationMs / 1000).toFixed(1)} s` : null,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      </div>

      {errors.length + warnings.length > 0 ? (
        <div className="report-problems">
          <Sub>{errors.length > 0 ? "What to change" : "Worth tidying up"}</Sub>
          <ul className="problem-list">
            {[...errors, ...warnings].map((problem, i) => (
              <li key={i} className={problem.severity === "error" ? "problem problem-error" : "problem problem-warning"}>
                <span className={`badge ${problem.severity === "error" ? "badge-bad" : "badge-warn"}`}>{problem.severity === "error" ? "Must fix" : "Worth fixing"}</span>
                {/* A refusal's message is the banner's summary already; show only what to do. */}
                {problem.message !== report.summary ? <p>{problem.message}</p> : null}
                {problem.fix ? (
                  <p className="problem-fix">
                    <strong>{problem.fix}</strong>
                  </p>
                ) : null}
                {problem.guidance?.length ? (
                  <ol className="problem-guidance">
                    {problem.guidance.map((step, j) => (
                      <li key={j}>{step}</li>
                    ))}
                  </ol>
                ) : null}
              </li>
            ))}
          </ul>
          {report.verdict === "rejected" && report.createKeyLink ? (
            <p>
              <a className="button button-secondary" href={report.createKeyLink} target="_blank" rel="noreferrer">
                Create a correct key in Stripe{report.key.mode ? ` (${report.key.mode} mode)` : ""}
                <span className="visually-hidden"> (opens in a new tab)</span>
              </a>
            </p>
          ) : null}
        </div>
      ) : null}

      {report.permissions.length > 0 ? (
        <TableScroll label="Permission by permission" className="report-table">
          <table>
            <caption>Permission by permission</caption>
            <thead>
              <tr>
                <th scope="col">Stripe Dashboard row</th>
                <th scope="col">Needed</th>
                <th scope="col">This key</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {report.permissions.map((p) => (
                <tr key={p.permission}>
                  <th scope="row">
                    {p.dashboardRow}
                    {p.note ? <div className="muted small">{p.note}</div> : null}
                  </th>
                  <td>{LEVEL[p.required]}</td>
                  <td>{LEVEL[p.granted]}</td>
                  <td>
                    <span className={`badge ${FINDING[p.finding].className}`}>{FINDING[p.finding].label}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
