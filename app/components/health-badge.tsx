import { HEALTH_STATUS_TEXT, type HealthStatus } from "~/domain/health/health-status";

const TONE_CLASS = { ok: "badge-ok", warn: "badge-warn", bad: "badge-bad", neutral: "badge-neutral" } as const;
const TONE_ICON = { ok: "✓", warn: "!", bad: "✗", neutral: "•" } as const;

/** A connection's health in words, with colour and an icon as extra cues only. */
export function HealthBadge({ status }: { status: HealthStatus }) {
  const text = HEALTH_STATUS_TEXT[status];
  return (
    <span className={`badge ${TONE_CLASS[text.tone]}`}>
      <span aria-hidden="true">{TONE_ICON[text.tone]}</span> {text.label}
    </span>
  );
}
