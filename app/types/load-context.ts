import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Nonce for inline scripts, matching this response's Content-Security-Policy. */
    cspNonce: string;
    /** The client's address, as the server's trusted proxy setting resolves it. */
    clientIp: string;
    /** Set-Cookie values added by the session layer (e.g. a renewed session), applied by entry.server. */
    responseCookies: string[];
  }
}

export {};
