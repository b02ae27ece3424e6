import { type KeyMode, type KeyType } from "./key-format";

export type KeyRefusalCode =
  | "empty"
  | "too_long"
  | "secret_key"
  | "publishable_key"
  | "sandbox_key"
  | "oauth_token"
  | "webhook_secret"
  | "account_id"
  | "ephemeral_key"
  | "multiple_keys"
  | "extra_text"
  | "masked_key"
  | "truncated_key"
  | "malformed_key"
  | "invalid_characters"
  | "unrecognised"
  | "mode_not_accepted";

export type KeyRefusal = {
  code: KeyRefusalCode;
  /** One or two sentences for the customer. Never contains more of the key than its last four characters. */
  message: string;
  /** Steps to put it right, one per entry. */
  guidance?: readonly string[];
  type: KeyType;
  mode?: KeyMode;
  /** Present only when showing it is safe (a well-formed body of a recognised kind). */
  last4?: string;
};

type Facts = { type: KeyType; mode?: KeyMode; last4?: string; masked?: boolean };

const apiKeysPage = (mode: KeyMode | undefined) =>
  mode === "test" ? "https://dashboard.stripe.com/test/apikeys" : "https://dashboard.stripe.com/apikeys";

const restrictedPrefix = (mode: KeyMode | undefined) => (mode ? `rk_${mode}_` : "rk_live_ or rk_test_");
const restrictedExample = (mode: KeyMode | undefined) => (mode ? `rk_${mode}_\u2026` : "rk_live_\u2026 or rk_test_\u2026");

/** "(sk_live_…wxyz)" when the last four are known, "(sk_live_…)" otherwise. */
function shown(prefix: string, mode: KeyMode | undefined, last4: string | undefined): string {
  return `${prefix}${mode ? `${mode}_` : ""}\u2026${last4 ?? ""}`;
}

function createRestrictedKeySteps(mode: KeyMode | undefined, { samePage = false } = {}): string[] {
  return [
    ...(samePage ? [] : [`In the Stripe Dashboard, open Developers → API keys (${apiKeysPage(mode)}).`]),
    `${samePage ? "Then, on the same page, click" : "Click"} “Create restricted key”, give it a name, and set each permission exactly as our checklist lists it.`,
    `Click “Create key”, copy the new key (it starts with ${restrictedPrefix(mode)}) and paste it here.`,
  ];
}

// Stripe reveals test-mode keys as often as needed, live-mode keys only once (support.stripe.com,
// "What are Stripe API keys and how to find them").
function copyAgainSteps(mode: KeyMode | undefined): string[] {
  const copy = `Copy the full key from Developers → API keys (${apiKeysPage(mode)}) with the copy button beside it.`;
  if (mode === "test") return [copy];
  return [
    copy,
    "Stripe shows a live-mode key in full only once, when it is created. If you no longer have it, create a new restricted key instead:",
    ...createRestrictedKeySteps(mode, { samePage: true }),
  ];
}

const PASTE_ONLY_THE_KEY = `Paste only the restricted key: one key, starting with ${restrictedPrefix(undefined)}.`;

export function refusal(code: KeyRefusalCode, facts: Facts): KeyRefusal {
  const { type, mode, last4 } = facts;
  const base = { code, type, ...(mode ? { mode } : {}), ...(last4 ? { last4 } : {}) };
  switch (code) {
    case "empty":
      return { ...base, message: `Paste your Stripe restricted key. It starts with ${restrictedPrefix(undefined)}.`, guidance: createRestrictedKeySteps(undefined) };
    case "too_long":
      return { ...base, message: `This is much longer than any Stripe key. ${PASTE_ONLY_THE_KEY}` };
    case "secret_key": {
      if (facts.masked) {
        return {
          ...base,
          message: `This is a secret key (${shown("sk_", mode, last4)}), and only its masked form. We never accept secret keys, which give full access to your Stripe account; paste a restricted key (${restrictedExample(mode)}) instead.`,
          guidance: createRestrictedKeySteps(mode),
        };
      }
      const consequence = mode === "test" ? "It can read and change everything in your sandbox (test mode)." : "It can read and change everything in your Stripe account, including moving money.";
      return {
        ...base,
        message: `This is a secret key (${shown("sk_", mode, last4)}), not a restricted key. ${consequence} We did not send it to Stripe or store it, but because it has now left your Dashboard, roll it, then create a restricted key for us instead.`,
        guidance: [
          `Roll the secret key: in the Stripe Dashboard open Developers → API keys (${apiKeysPage(mode)}), click ⋯ next to the secret key and choose “Roll key” (“Rotate key” in newer Dashboards).`,
          "Pick when the old key should stop working (“Now”, unless your own systems still use it and need a few hours to switch), confirm, and put the new secret key wherever your systems use it.",
          ...createRestrictedKeySteps(mode, { samePage: true }),
        ],
      };
    }
    case "publishable_key":
      return {
        ...base,
        message: `This is a publishable key (${shown("pk_", mode, last4)}). Publishable keys are meant to be public (they sit in websites and apps) and cannot read your Stripe data, so they cannot be used here. Paste a restricted key (${restrictedExample(mode)}) instead.`,
        guidance: createRestrictedKeySteps(mode),
      };
    case "sandbox_key":
      return {
        ...base,
        message: `This is a claimable sandbox key (${shown("rkcs_", mode, last4)}), the kind the Stripe CLI and developer tools create for a temporary sandbox. We need a restricted key created in your own Stripe account (${restrictedExample(mode)}).`,
        guidance: createRestrictedKeySteps(mode),
      };
    case "oauth_token":
      return {
        ...base,
        message: `This is an OAuth access key (${shown("oak_", mode, last4)}), which Stripe issues to an app or platform you connected, not a key from your API keys page. Paste a restricted key (${restrictedExample(mode)}) instead.`,
        guidance: createRestrictedKeySteps(mode),
      };
    case "webhook_secret":
      return {
        ...base,
        message: `This is a webhook signing secret (${shown("whsec_", undefined, last4)}). It only verifies the events Stripe sends to one of your endpoints and cannot call the Stripe API. Paste a restricted key (${restrictedExample(undefined)}) instead.`,
        guidance: [
          "If this signing secret was shared anywhere it should not be, roll it from the endpoint’s page under Developers → Webhooks in the Stripe Dashboard.",
          ...createRestrictedKeySteps(undefined),
        ],
      };
    case "account_id":
      return {
        ...base,
        message: `This is a Stripe account ID (${shown("acct_", undefined, last4)}). It names an account but grants no access. Paste a restricted key (${restrictedExample(undefined)}) from your API keys page instead.`,
        guidance: createRestrictedKeySteps(undefined),
      };
    case "ephemeral_key":
      return {
        ...base,
        message: `This is an ephemeral key (${shown("ek_", mode, last4)}), a short-lived key Stripe gives a mobile app for one customer. It expires soon and cannot be used here. Paste a restricted key (${restrictedExample(mode)}) instead.`,
        guidance: createRestrictedKeySteps(mode),
      };
    case "multiple_keys":
      return { ...base, message: `This looks like more than one key, or the same key pasted twice. ${PASTE_ONLY_THE_KEY}` };
    case "extra_text":
      return { ...base, message: `There is extra text before the key. ${PASTE_ONLY_THE_KEY}` };
    case "masked_key":
      return {
        ...base,
        message: "This is the shortened, masked form of a key (with *, • or … in it) that Stripe shows in lists and messages, not the key itself.",
        guidance: copyAgainSteps(mode),
      };
    case "truncated_key":
      return {
        ...base,
        message: "This restricted key is too short: part of it seems to have been cut off when it was copied.",
        guidance: copyAgainSteps(mode),
      };
    case "malformed_key":
      return {
        ...base,
        message: "This starts like a restricted key but is not in the form Stripe uses: rk_live_ or rk_test_ followed by letters and digits.",
        guidance: copyAgainSteps(mode),
      };
    case "invalid_characters":
      return {
        ...base,
        message: "This contains characters that never appear in a Stripe key, which holds only letters, digits and underscores. Copy it straight from the Dashboard rather than from a document or a chat.",
        guidance: copyAgainSteps(mode),
      };
    case "unrecognised":
      return {
        ...base,
        message: `This is not a Stripe API key. A restricted key starts with ${restrictedPrefix(undefined)}.`,
        guidance: createRestrictedKeySteps(undefined),
      };
    case "mode_not_accepted": {
      const other: KeyMode = mode === "live" ? "test" : "live";
      const wanted = other === "test" ? "test-mode (sandbox)" : "live-mode";
      return {
        ...base,
        message: `This is a ${mode}-mode key, but this integration accepts only ${wanted} keys. Create the restricted key in ${other} mode (it starts with rk_${other}_) and paste that.`,
        guidance: [
          `If you created this ${mode}-mode key only for us, you can delete it from Developers → API keys (${apiKeysPage(mode)}).`,
          ...createRestrictedKeySteps(other),
        ],
      };
    }
  }
}
