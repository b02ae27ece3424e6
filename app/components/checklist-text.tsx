import { useEffect, useRef, useState } from "react";

type CopyState = "idle" | "copied" | "failed";

const MESSAGES: Record<CopyState, string> = {
  idle: "",
  copied: "Copied. Paste the checklist wherever you need it.",
  failed: "Your browser did not let this page copy. The text is selected below: press Ctrl+C (⌘C on a Mac) to copy it.",
};

/**
 * "Copy as text" for the checklist's plain-text rendering. The same text is always in the page,
 * in a <details> with a <pre>, so it can be read and selected without JavaScript; the button only
 * appears once the page is interactive, so it is never a dead control.
 */
export function ChecklistText({ text }: { text: string }) {
  const [interactive, setInteractive] = useState(false);
  const [state, setState] = useState<CopyState>("idle");
  const detailsRef = useRef<HTMLDetailsElement>(null);
  const preRef = useRef<HTMLPreElement>(null);

  useEffect(() => setInteractive(true), []);

  function selectText() {
    const details = detailsRef.current;
    const pre = preRef.current;
    if (!details || !pre) return;
    details.open = true;
    const selection = window.getSelection();
    selection?.removeAllRanges();
    const range = document.createRange();
    range.selectNodeContents(pre);
    selection?.addRange(range);
    pre.focus();
  }

  async function copy() {
    setState("idle");
    try {
      if (!navigator.clipboard) throw new Error("No clipboard access");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      selectText();
      setState("failed");
    }
  }

  return (
    <div className="checklist-text">
      {interactive ? (
        <div className="row">
          <button type="button" className="button" onClick={copy}>
            <svg
              viewBox="0 0 16 16"
              className="button-icon"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinejoin="round"
              aria-hidden="true"
              focusable="false"
            >
              <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
              <path d="M10.5 3.5V3A1.5 1.5 0 0 0 9 1.5H3A1.5 1.5 0 0 0 1.5 3v6A1.5 1.5 0 0 0 3 10.5h.5" />
            </svg>
            Copy as text
          </button>
        </div>
      ) : null}
      <p role="status" className={`checklist-copy-status${state === "idle" ? "" : ` checklist-copy-${state}`}`}>
        {MESSAGES[state]}
      </p>
      <details ref={detailsRef} className="checklist-text-details">
        <summary>Show the checklist as plain text</summary>
        <pre ref={preRef} className="checklist-text-pre" tabIndex={0} role="region" aria-label="The checklist as plain text">
          {text}
        </pre>
      </details>
    </div>
  );
}
