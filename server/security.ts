import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/**
 * Security headers on every response, and the per-request nonce that lets Remix's own inline
 * scripts run under a Content-Security-Policy without 'unsafe-inline'.
 */
export function securityHeaders(options: { isProduction: boolean }) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
      ...(options.isProduction ? ["upgrade-insecure-requests"] : []),
    ].join("; ");
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), clipboard-read=()");
    if (options.isProduction) {
      res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery: a state-changing request must come from our own origin. Browsers
 * send Origin on every POST (and Sec-Fetch-Site since 2020); a request with neither is refused.
 * SameSite=Lax on the session cookie is the second, independent layer. The bearer-token API
 * under /api/ carries no cookies and is exempt.
 */
export function originCheck(options: { origin?: string }) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || req.path.startsWith("/api/")) return next();
    const expected = options.origin ?? `${req.protocol}://${req.get("host")}`;
    const origin = req.get("origin");
    const fetchSite = req.get("sec-fetch-site");
    const allowed = origin ? origin === expected : fetchSite === "same-origin";
    if (allowed) return next();
    res
      .status(403)
      .type("text/plain")
      .send("This form was sent from another site, so Keyport refused it. Go back to the portal and submit it again.");
  };
}
