import type { ReactNode } from "react";

/**
 * A table that may scroll sideways on narrow screens. The wrapper is focusable and named, so
 * keyboard users can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function TableScroll({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    // Focusable because it may scroll: keyboard users must be able to reach what is off to the side.
    <div className={className ? `table-wrap ${className}` : "table-wrap"} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
