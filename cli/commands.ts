import path from "node:path";
import { z } from "zod";
import { EmailSchema, NameSchema, PasswordSchema, StaffRoleSchema } from "~/auth/account-schemas";
import { getEnv } from "~/config/env.server";
import { loadManifest } from "~/domain/manifest/load-manifest";
import { checkKey } from "~/domain/probe/check-key";
import { renderReportText } from "~/domain/report/render-report-text";
import { generateKeyRingEntry } from "~/domain/vault/key-ring";
import { VaultError } from "~/domain/vault/vault-error";
import { checkConnectionNow, scheduleSettings } from "~/services/health.server";
import { describeSweep, makeDue, newInstanceId, sweepHealth } from "~/services/health-scheduler.server";
import { getStripeTransport } from "~/services/stripe.server";
import { loadConfiguredManifest } from "~/config/manifest.server";
import { createStaffUser } from "~/services/accounts.server";
import { closeAppContext, ensureMigrated, getAppContext } from "~/services/app-context.server";
import { DEMO_ACCOUNTS, seedDemoAccounts } from "~/services/demo-data.server";
import {
  createServiceToken,
  listServiceTokens,
  MAX_TOKEN_LIFETIME_DAYS,
  maskedServiceToken,
  revokeServiceToken,
  SERVICE_TOKEN_SCOPES,
} from "~/services/service-tokens.server";
import { DEFAULT_BATCH_SIZE, masterKeyUsage, rotateVault } from "~/services/vault-rotation.server";
import { rewrapWebhookSecrets } from "~/services/webhook-endpoints.server";
import { deliverDueWebhooks } from "~/services/webhooks.server";
import { type Command, readStdin, UsageError } from "./command";
import { readKeyFromStdin } from "./read-key";

const withDatabase = { cleanup: closeAppContext };

const VERDICT_EXIT_CODES = { accepted: 0, rejected: 1, inconclusive: 2 } as const;

const commandLine = { actor: { type: "system" as const, label: "command line" } };
const isoDate = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"));

export const commands: Record<string, Command> = {
  health: {
    ...withDatabase,
    summary: "Run health checks: the due connections, --all of them now, or one --connection (for cron). Exit 1 if a check could not run.",
    usage: "[--all | --connection ID] [--json]",
    options: { all: { type: "boolean" }, connection: { type: "string" }, json: { type: "boolean" } },
    async run(values) {
      if (values.all && values.connection) throw new UsageError("Use either --all or --connection, not both.");
      await ensureMigrated();
      const manifest = await loadConfiguredManifest();
      const ctx = getAppContext();
      if (typeof values.connection === "string") {
        const result = await checkConnectionNow(ctx, values.connection, { trigger: "manual", actor: { type: "system", label: "command line" } });
        const { report: _report, ...rest } = result;
        console.log(values.json ? JSON.stringify(rest, null, 2) : `${result.connectionId}: ${result.status}${result.changed ? ` (was ${result.previousStatus})` : ""}, ${result.requests} requests in ${result.durationMs} ms${result.error ? ` — ${result.error}` : ""}`);
        return result.error ? 1 : 0;
      }
      if (values.all) await makeDue(ctx);
      const summary = await sweepHealth(ctx, {
        instanceId: newInstanceId(),
        manifest,
        transport: getStripeTransport(),
        schedule: scheduleSettings(),
      });
      console.log(values.json ? JSON.stringify(summary, null, 2) : describeSweep(summary));
      for (const failure of values.json ? [] : summary.failed) console.error(`  ${failure.connectionId}: ${failure.error}`);
      return summary.failed.length > 0 ? 1 : 0;
    },
  },

  check: {
    summary: "Check a restricted key (read from standard input) against the manifest; exit 0 accepted, 1 rejected, 2 inconclusive.",
    usage: "[--manifest FILE] [--json] [--full-scan] < key",
    options: { manifest: { type: "string" }, json: { type: "boolean" }, "full-scan": { type: "boolean" } },
    async run(values) {
      const manifest = await loadManifest(path.resolve(typeof values.manifest === "string" ? values.manifest : getEnv().KEYPORT_MANIFEST));
      const pasted = await readKeyFromStdin();
      const progress = values.json || !process.stderr.isTTY ? undefined : (p: { completed: number; total: number }) => process.stderr.write(`\rChecking… ${p.completed}/${p.total}`);
      const { report } = await checkKey(pasted, manifest, { transport: getStripeTransport(), fullScan: values["full-scan"] === true, onProgress: progress });
      if (progress) process.stderr.write("\r\x1b[K");
      console.log(values.json ? JSON.stringify(report, null, 2) : renderReportText(report));
      return VERDICT_EXIT_CODES[report.verdict];
    },
  },

  "db:migrate": {
    ...withDatabase,
    summary: "Apply database migrations (SQLite file, or PostgreSQL with DATABASE_URL).",
    usage: "",
    options: {},
    async run() {
      const applied = await ensureMigrated();
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
    },
  },

  "db:seed": {
    ...withDatabase,
    summary: "Create the demo customer, support and admin accounts (development only).",
    usage: "",
    options: {},
    async run() {
      await ensureMigrated();
      const created = await seedDemoAccounts(getAppContext(), { isProduction: getEnv().isProduction });
      console.log(created.length ? `Created demo accounts: ${created.join(", ")}` : "Demo accounts already exist.");
      for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(8)} ${a.email}  password: ${a.password}`);
    },
  },

  "user:create": {
    ...withDatabase,
    summary: "Create a vendor staff account (support or admin). Password from stdin, or generated and printed once.",
    usage: "--email EMAIL --role support|admin [--name NAME] < password",
    options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    async run(values) {
      const email = EmailSchema.safeParse(values.email);
      if (!email.success) throw new UsageError("--email must be a valid e-mail address.");
      const role = StaffRoleSchema.safeParse(values.role);
      if (!role.success) throw new UsageError("--role must be support or admin (customers sign up through the portal).");
      const name = NameSchema.safeParse(values.name ?? email.data.split("@")[0]);
      if (!name.success) throw new UsageError("--name must be 1 to 100 characters.");
      const typed = (await readStdin()).replace(/\r?\n$/, "");
      let password: string | undefined;
      if (typed) {
        const parsed = PasswordSchema.safeParse(typed);
        if (!parsed.success) throw new UsageError(`The password on standard input is not acceptable: ${parsed.error.issues[0]?.message}`);
        password = parsed.data;
      }
      await ensureMigrated();
      const { user, generatedPassword } = await createStaffUser(
        getAppContext(),
        { email: email.data, name: name.data, role: role.data, password },
        { type: "system", label: "command line" },
      );
      console.log(`Created ${user.role} ${user.email} (${user.id}).`);
      if (generatedPassword) console.log(`Password (shown once, store it now): ${generatedPassword}`);
    },
  },

  "vault:rotate": {
    ...withDatabase,
    summary: "Re-wrap every stored key under the active master key, in batches; resumable, safe to re-run.",
    usage: `[--batch-size N (default ${DEFAULT_BATCH_SIZE})] [--max-batches N]`,
    options: { "batch-size": { type: "string" }, "max-batches": { type: "string" } },
    async run(values) {
      const count = z.coerce.number().int().min(1).max(100_000).optional();
      const batchSize = count.safeParse(values["batch-size"]);
      if (!batchSize.success) throw new UsageError("--batch-size must be a whole number from 1 to 100000.");
      const maxBatches = count.safeParse(values["max-batches"]);
      if (!maxBatches.success) throw new UsageError("--max-batches must be a whole number from 1 to 100000.");
      await ensureMigrated();
      const ctx = getAppContext();
      console.log(`Re-wrapping under master key '${ctx.keyRing.activeKeyId}' (ring: ${ctx.keyRing.keyIds.join(", ")}).`);
      const summary = await rotateVault(ctx, {
        batchSize: batchSize.data,
        maxBatches: maxBatches.data,
        actor: { type: "system", label: "command line: vault:rotate" },
        onProgress(event) {
          if (event.type !== "batch_done") return;
          const t = event.totals;
          console.log(`  batch ${event.batch}: ${t.scanned} examined, ${t.rewrapped} re-wrapped, ${t.refingerprinted} re-fingerprinted, ${t.skipped.length} skipped, ${t.failed.length} failed`);
        },
      });
      console.log(
        `${summary.complete ? "Done" : "Stopped early (--max-batches); run again to continue"}: ${summary.rewrapped} re-wrapped, ` +
          `${summary.refingerprinted} re-fingerprinted, ${summary.skipped.length} skipped (changed meanwhile; run again), ${summary.failed.length} failed.`,
      );
      for (const failure of summary.failed) console.log(`  FAILED ${failure.connectionId} (${failure.code}): ${failure.message}`);
      // Webhook signing secrets are sealed with the same master keys.
      const webhookSecrets = await rewrapWebhookSecrets(ctx);
      console.log(`Webhook signing secrets: ${webhookSecrets.rewrapped} re-wrapped, ${webhookSecrets.failed.length} failed.`);
      for (const failure of webhookSecrets.failed) console.log(`  FAILED webhook endpoint ${failure.endpointId}: ${failure.message}`);
      const webhookUsage = await ctx.db
        .selectFrom("webhook_endpoints")
        .select(["secret_master_key_id as keyId", (eb) => eb.fn.countAll<number>().as("count")])
        .where("status", "!=", "deleted")
        .groupBy("secret_master_key_id")
        .execute();
      console.log("Stored secrets per master key:");
      for (const usage of await masterKeyUsage(ctx)) {
        const role = usage.active ? "active" : usage.inRing ? "in ring" : "NOT IN RING";
        const webhooks = Number(webhookUsage.find((w) => w.keyId === usage.keyId)?.count ?? 0);
        const removable = !usage.active && usage.inRing && usage.sealedRecords === 0 && usage.fingerprints === 0 && webhooks === 0 ? "; nothing depends on it any more" : "";
        console.log(`  ${usage.keyId} (${role}): ${usage.sealedRecords} sealed keys, ${usage.fingerprints} fingerprints, ${webhooks} webhook secrets${removable}`);
      }
      return summary.failed.length + webhookSecrets.failed.length > 0 ? 1 : 0;
    },
  },

  "vault:generate-key": {
    summary: "Print a new master-key entry (id:base64) for KEYPORT_ENCRYPTION_KEYS.",
    usage: "[--id ID (default: today's date)]",
    options: { id: { type: "string" } },
    async run(values) {
      const id = typeof values.id === "string" ? values.id : new Date().toISOString().slice(0, 10);
      let entry: string;
      try {
        entry = generateKeyRingEntry(id);
      } catch (error) {
        if (error instanceof VaultError) throw new UsageError("--id must be 1 to 32 characters of a-z, 0-9 and '-'.");
        throw error;
      }
      // The entry alone on standard output, so it can be piped into a secret store; advice on standard error.
      console.log(entry);
      console.error(
        "Add this entry to KEYPORT_ENCRYPTION_KEYS, keeping the current ones (see docs/decisions/004-envelope-encryption-for-stored-keys.md):\n" +
          "  1. append it at the END on every instance and restart them (all can now open records sealed under it);\n" +
          "  2. move it to the FRONT on every instance and restart them (new keys are sealed under it);\n" +
          "  3. run `npm run keyport -- vault:rotate` until it reports nothing under the old key;\n" +
          "  4. remove the old entry.",
      );
    },
  },

  "token:create": {
    ...withDatabase,
    summary: "Create a service token for the vendor API; the token alone is printed on standard output, once.",
    usage: `--name NAME --scope SCOPE[,SCOPE…] [--expires-in-days N]   (scopes: ${SERVICE_TOKEN_SCOPES.join(", ")})`,
    options: { name: { type: "string" }, scope: { type: "string" }, "expires-in-days": { type: "string" } },
    async run(values) {
      if (typeof values.name !== "string") throw new UsageError("--name is required.");
      if (typeof values.scope !== "string") throw new UsageError(`--scope is required: one or more of ${SERVICE_TOKEN_SCOPES.join(", ")}, comma-separated.`);
      const days = z.coerce.number().int().min(1).max(MAX_TOKEN_LIFETIME_DAYS).optional().safeParse(values["expires-in-days"]);
      if (!days.success) throw new UsageError(`--expires-in-days must be a whole number from 1 to ${MAX_TOKEN_LIFETIME_DAYS}.`);
      await ensureMigrated();
      const ctx = getAppContext();
      const expiresAt = days.data === undefined ? null : ctx.now() + days.data * 24 * 60 * 60_000;
      const scopes = values.scope.split(",").map((s) => s.trim()).filter(Boolean);
      const result = await createServiceToken(ctx, { name: values.name, scopes, expiresAt }, commandLine);
      if (!result.ok) throw new UsageError(`--${result.field === "expiresAt" ? "expires-in-days" : result.field === "scopes" ? "scope" : "name"}: ${result.message}`);
      // The token alone on standard output, so it can be piped into a secret store; the rest on standard error.
      console.log(result.token.reveal());
      console.error(
        `Created token "${result.record.name}" (${result.record.id}) with ${result.record.scopes.join(", ")}; expires ${isoDate(result.record.expiresAt)}.\n` +
          "It is shown this once: store it in your secret manager now. Keyport keeps only a hash.",
      );
    },
  },

  "token:revoke": {
    ...withDatabase,
    summary: "Revoke a service token at once, by id or by name.",
    usage: "--id tok_… | --name NAME",
    options: { id: { type: "string" }, name: { type: "string" } },
    async run(values) {
      if ((typeof values.id === "string") === (typeof values.name === "string")) throw new UsageError("Give either --id or --name.");
      await ensureMigrated();
      const ctx = getAppContext();
      const tokens = await listServiceTokens(ctx);
      const token = tokens.find((t) => (typeof values.id === "string" ? t.id === values.id : t.name === values.name && t.state !== "revoked"));
      if (!token) {
        console.error(`There is no ${typeof values.id === "string" ? `token ${values.id}` : `unrevoked token named "${String(values.name)}"`}.`);
        return 1;
      }
      const result = await revokeServiceToken(ctx, token.id, commandLine);
      console.log(result?.changed ? `Revoked "${token.name}" (${token.id}); it no longer works.` : `"${token.name}" (${token.id}) was already revoked.`);
    },
  },

  "token:list": {
    ...withDatabase,
    summary: "List service tokens (never the tokens themselves): name, scopes, state, expiry, last use.",
    usage: "[--json]",
    options: { json: { type: "boolean" } },
    async run(values) {
      await ensureMigrated();
      const tokens = await listServiceTokens(getAppContext());
      if (values.json) {
        console.log(JSON.stringify(tokens.map((t) => ({ ...t, token: maskedServiceToken(t) })), null, 2));
        return;
      }
      if (tokens.length === 0) {
        console.log("No service tokens yet. Create one with `npm run keyport -- token:create --name NAME --scope connections:read`.");
        return;
      }
      for (const t of tokens) {
        console.log(`${t.id}  ${t.name}  ${maskedServiceToken(t)}  ${t.state}`);
        console.log(`    scopes: ${t.scopes.join(", ")}; created ${isoDate(t.createdAt)} by ${t.createdByLabel}; expires ${isoDate(t.expiresAt)}; last used ${isoDate(t.lastUsedAt)}${t.lastUsedIp ? ` from ${t.lastUsedIp}` : ""}`);
      }
    },
  },

  "webhooks:deliver": {
    ...withDatabase,
    summary: "Run one pass of the webhook delivery worker (for cron); safe beside running portals.",
    usage: "[--endpoint we_…]",
    options: { endpoint: { type: "string" } },
    async run(values) {
      await ensureMigrated();
      const summary = await deliverDueWebhooks(getAppContext(), { endpointId: typeof values.endpoint === "string" ? values.endpoint : undefined });
      console.log(
        `${summary.attempted} attempted: ${summary.delivered} delivered, ${summary.retrying} to retry later, ${summary.failed} given up (past their retry window).`,
      );
    },
  },
};
