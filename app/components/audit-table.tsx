import { formatDateTime } from "~/utils/format";
import { TableScroll } from "./table-scroll";

export interface AuditRow {
  id: number;
  occurred_at: number;
  actor_type: string;
  actor_label: string | null;
  organisation_id: string | null;
  action: string;
  outcome: string;
  ip: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
}

const OUTCOME_BADGE: Record<string, string> = {
  success: "badge-ok",
  accepted: "badge-ok",
  failure: "badge-bad",
  rejected: "badge-bad",
  refused: "badge-bad",
  rate_limited: "badge-warn",
  inconclusive: "badge-warn",
};

export function AuditTable({ events, showOrganisation = false }: { events: AuditRow[]; showOrganisation?: boolean }) {
  if (events.length === 0) return <p className="card empty">No audit entries yet.</p>;
  return (
    <TableScroll label="Audit entries">
      <table>
        <caption className="visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Outcome</th>
            <th scope="col">From</th>
            {showOrganisation ? <th scope="col">Organisation</th> : null}
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td className="small">{formatDateTime(e.occurred_at)}</td>
              <td>
                {e.actor_label ?? e.actor_type}
                <div className="muted small">{e.actor_type.replace("_", " ")}</div>
              </td>
              <td>
                <code>{e.action}</code>
                {describeDetails(e.details) ? <div className="muted small">{describeDetails(e.details)}</div> : null}
              </td>
              <td>
                <span className={`badge ${OUTCOME_BADGE[e.outcome] ?? "badge-neutral"}`}>{e.outcome.replace("_", " ")}</span>
              </td>
              <td className="small mono">{e.ip ?? "—"}</td>
              {showOrganisation ? <td className="small mono">{e.organisation_id ?? "—"}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function describeDetails(details: Record<string, unknown>) {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(" · ");
}
