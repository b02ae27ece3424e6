import { useId, type InputHTMLAttributes, type ReactNode } from "react";

export function Field({
  label,
  error,
  hint,
  ...input
}: { label: string; error?: string; hint?: ReactNode; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <div id={hintId} className="hint">
          {hint}
        </div>
      ) : null}
      <input id={id} type="text" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormAlert({ message, title }: { message?: string; title?: string }) {
  if (!message) return null;
  return (
    <div className="alert alert-bad" role="alert">
      {title ? <div className="alert-title">{title}</div> : null}
      <p>{message}</p>
    </div>
  );
}
