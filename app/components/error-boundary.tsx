import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  400: "That request was not understood",
  403: "You don't have access to this page",
  404: "Page not found",
  429: "Too many requests",
};

/** A friendly page for thrown responses (403, 404 …) and unexpected errors; never a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail =
    isRouteErrorResponse(error) && status !== 404 && typeof error.data === "string" && error.data.length < 300
      ? error.data
      : status === 404
        ? "We couldn't find the page you asked for. It may have moved, or the address may be mistyped."
        : "Something went wrong on our side. Nothing you entered was stored. Please try again in a moment.";
  return (
    <section className="card error-page" aria-labelledby="error-title">
      <p className="code">{status}</p>
      <h1 id="error-title">{TITLES[status] ?? "Something went wrong"}</h1>
      <p className="muted">{detail}</p>
      <p>
        <Link to="/" className="button">
          Go to the start page
        </Link>
      </p>
    </section>
  );
}
