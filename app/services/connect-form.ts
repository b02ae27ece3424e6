import { z } from "zod";
import type { KeyCheckReport } from "~/domain/report/report";

/** The connect form, shared by the page's action (no JavaScript) and the streaming endpoint. */
export const ConnectFormSchema = z.object({
  // Bounded well above any real key; the parser explains anything odd inside it.
  key: z.string({ error: "Paste your restricted key." }).max(10_000, "That is far longer than a Stripe key. Paste only the key.").default(""),
  confirmAccountSwitch: z
    .enum(["on", "true"])
    .optional()
    .transform((v) => v !== undefined),
});

/** What the browser receives about an attempt: never the key, only the report and ids. */
export type ConnectResponse =
  | { kind: "accepted"; connectionId: string; replaced: boolean }
  | { kind: "rejected" | "refused" | "inconclusive"; report: KeyCheckReport }
  | { kind: "account_mismatch"; report: KeyCheckReport; currentAccount: string; newAccount: string }
  | { kind: "already_connected"; connectionId: string; last4: string }
  | { kind: "rate_limited"; message: string }
  | { kind: "invalid"; message: string };
