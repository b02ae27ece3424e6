/**
 * `npm run emulator` reads its settings from the environment (validated with zod):
 *
 *   STRIPE_EMULATOR_PORT              port on 127.0.0.1 (default 12111, Stripe's own stripe-mock port; 0 = any free port)
 *   STRIPE_EMULATOR_ACCOUNT           default account id for keys (default: a random acct_1…)
 *   STRIPE_EMULATOR_403_FORMAT        "modern" (default) or "legacy" permission-error messages
 *   STRIPE_EMULATOR_SEED              "on" (default) / "off": seed objects in every listable resource
 *   STRIPE_EMULATOR_RATE_LIMIT        "on" (default: 25/s test, 100/s live per key) / "off"
 *   STRIPE_EMULATOR_LATENCY_MS        added latency per request (ms)
 *   STRIPE_EMULATOR_JITTER_MS         plus up to this much random latency (ms)
 *   STRIPE_EMULATOR_ERROR_RATE        share of requests answered 500 (0…1)
 *   STRIPE_EMULATOR_RESET_RATE        share of connections reset (0…1)
 *   STRIPE_EMULATOR_TIMEOUT_RATE      share of requests never answered (0…1)
 *   STRIPE_EMULATOR_RATE_LIMIT_BURST  the first N requests are answered 429
 *   STRIPE_EMULATOR_DEMO_KEYS         "on" (default) / "off": create and print the demo keys
 *   STRIPE_EMULATOR_DEMO_PERMISSIONS  comma-separated permissions the "exact" demo key holds
 */
import { z } from "zod";
import { isKnownPermission } from "./catalogue";
import { type Faults } from "./faults";
import { ACCOUNT_ID_PATTERN } from "./keys";
import { STRIPE_RATE_LIMITS } from "./rate-limit";
import { type EmulatorOptions } from "./server";

const onOff = z.enum(["on", "off", "true", "false", "1", "0"]).transform((v) => v === "on" || v === "true" || v === "1");
const optionalNumber = (schema: z.ZodNumber) => z.coerce.number().pipe(schema).optional();

export const DEFAULT_DEMO_PERMISSIONS = ["customer_read", "subscription_read", "invoice_read", "plan_read", "product_read", "charge_read"];

const EnvSchema = z.object({
  STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
  STRIPE_EMULATOR_ACCOUNT: z.string().regex(ACCOUNT_ID_PATTERN).optional(),
  STRIPE_EMULATOR_403_FORMAT: z.enum(["legacy", "modern"]).default("modern"),
  STRIPE_EMULATOR_SEED: onOff.default(true),
  STRIPE_EMULATOR_RATE_LIMIT: onOff.default(true),
  STRIPE_EMULATOR_LATENCY_MS: optionalNumber(z.number().int().min(0)),
  STRIPE_EMULATOR_JITTER_MS: optionalNumber(z.number().int().min(0)),
  STRIPE_EMULATOR_ERROR_RATE: optionalNumber(z.number().min(0).max(1)),
  STRIPE_EMULATOR_RESET_RATE: optionalNumber(z.number().min(0).max(1)),
  STRIPE_EMULATOR_TIMEOUT_RATE: optionalNumber(z.number().min(0).max(1)),
  STRIPE_EMULATOR_RATE_LIMIT_BURST: optionalNumber(z.number().int().min(0)),
  STRIPE_EMULATOR_DEMO_KEYS: onOff.default(true),
  STRIPE_EMULATOR_DEMO_PERMISSIONS: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(
      z
        .array(z.string())
        .min(2)
        .refine((names) => names.every(isKnownPermission), { message: "unknown permission name" }),
    )
    .optional(),
});

export interface EmulatorConfig {
  options: EmulatorOptions;
  demoKeys: boolean;
  demoPermissions: string[];
}

/** Parses the environment; throws a readable message naming the bad variables. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): EmulatorConfig {
  const relevant = Object.fromEntries(Object.entries(env).filter(([name, value]) => name.startsWith("STRIPE_EMULATOR_") && value !== ""));
  const result = EnvSchema.safeParse(relevant);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid Stripe emulator environment:\n${lines.join("\n")}`);
  }
  const e = result.data;
  const faults: Faults = {
    ...(e.STRIPE_EMULATOR_LATENCY_MS === undefined ? {} : { latencyMs: e.STRIPE_EMULATOR_LATENCY_MS }),
    ...(e.STRIPE_EMULATOR_JITTER_MS === undefined ? {} : { jitterMs: e.STRIPE_EMULATOR_JITTER_MS }),
    ...(e.STRIPE_EMULATOR_ERROR_RATE === undefined ? {} : { errorRate: e.STRIPE_EMULATOR_ERROR_RATE }),
    ...(e.STRIPE_EMULATOR_RESET_RATE === undefined ? {} : { resetRate: e.STRIPE_EMULATOR_RESET_RATE }),
    ...(e.STRIPE_EMULATOR_TIMEOUT_RATE === undefined ? {} : { timeoutRate: e.STRIPE_EMULATOR_TIMEOUT_RATE }),
    ...(e.STRIPE_EMULATOR_RATE_LIMIT_BURST === undefined ? {} : { rateLimitBurst: e.STRIPE_EMULATOR_RATE_LIMIT_BURST }),
  };
  return {
    options: {
      port: e.STRIPE_EMULATOR_PORT,
      ...(e.STRIPE_EMULATOR_ACCOUNT ? { account: e.STRIPE_EMULATOR_ACCOUNT } : {}),
      format: e.STRIPE_EMULATOR_403_FORMAT,
      seed: e.STRIPE_EMULATOR_SEED,
      rateLimits: e.STRIPE_EMULATOR_RATE_LIMIT ? STRIPE_RATE_LIMITS : false,
      faults,
    },
    demoKeys: e.STRIPE_EMULATOR_DEMO_KEYS,
    demoPermissions: e.STRIPE_EMULATOR_DEMO_PERMISSIONS ?? DEFAULT_DEMO_PERMISSIONS,
  };
}
