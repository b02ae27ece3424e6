import { EmailSchema, NameSchema, PasswordSchema, StaffRoleSchema } from "~/auth/account-schemas";
import path from "node:path";
import { getEnv } from "~/config/env.server";
import { loadManifest } from "~/domain/manifest/load-manifest";
import { checkKey } from "~/domain/probe/check-key";
import { renderReportText } from "~/domain/report/render-report-text";
import { getStripeTransport } from "~/services/stripe.server";
import { createStaffUser } from "~/services/accounts.server";
import { closeAppContext, ensureMigrated, getAppContext } from "~/services/app-context.server";
import { DEMO_ACCOUNTS, seedDemoAccounts } from "~/services/demo-data.server";
import { type Command, readStdin, UsageError } from "./command";
import { readKeyFromStdin } from "./read-key";

const withDatabase = { cleanup: closeAppContext };

const VERDICT_EXIT_CODES = { accepted: 0, rejected: 1, inconclusive: 2 } as const;

export const commands: Record<string, Command> = {
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
};
