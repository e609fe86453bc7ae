/**
 * Support's command line: `npm run admin -- <area> <action> [--options]`.
 * Works against DATABASE_URL, or the embedded database — also while the portal is running on it.
 */
import { parseArgs } from "node:util";
import { closePeriod, createAccount, createApiKey, createRoom, createUser, removeMember, resetTwoFactor, setTariff, setTwoFactorRequired, setUserPassword, setUserStatus } from "../lib/admin/support";
import { NotFoundError, ValidationError } from "../lib/errors";
import { reinstateEmail } from "../lib/schedules/unsubscribe";
import { purgeExpiredUsage } from "../lib/usage/retention";
import type { Database } from "../db/client";
import { runningEmbeddedUrl } from "../db/embedded";
import { loadDatabaseEnv } from "../lib/env";
import { describeError, withDatabase } from "./lib/database";

const USAGE = `Usage: npm run admin -- <command> [options]

  account create --number 602127 --company "Name" [--currency EUR] [--locale fr-FR] [--time-zone Europe/Paris] [--support-phone "…"]
  account require-2fa --account 602127 [--off]   every owner must use a TOTP second factor (owners without one enrol at their next page)
  user create --email a@b.example --name "Full Name" [--password …] [--account 602127 --role owner|member]
  user suspend --email a@b.example        the user can no longer log in; their open sessions end
  user reinstate --email a@b.example
  user password --email a@b.example [--password …]   a new password (generated if not given); open sessions end
  user reset-2fa --email a@b.example       removes the user's second factor and recovery codes; open sessions end
  member remove --account 602127 --email a@b.example  the user loses the account; their open sessions end
  room create --account 602127 --number 332703 --cardholder a@b.example [--auto-code CODE] [--product audio|web|webinar|training]
  api-key create --account 602127 | --provider
  period close --account 602127 --month 2026-10
  tariff set --service-type toll --rate 0.0900 --from 2026-12-01 [--account 602127] [--increment 60] [--minimum 60]
  email reinstate --account 602127 --email a@b.example   an unsubscribed address receives the account's scheduled reports again
  purge                     delete usage older than the 12 months kept (also run daily by the job worker)
  database url              the embedded database's connection URL, while the portal runs (for pg_dump, psql)`;

const options = {
  number: { type: "string" },
  company: { type: "string" },
  currency: { type: "string" },
  locale: { type: "string" },
  "time-zone": { type: "string" },
  "support-phone": { type: "string" },
  email: { type: "string" },
  name: { type: "string" },
  password: { type: "string" },
  account: { type: "string" },
  role: { type: "string" },
  cardholder: { type: "string" },
  "auto-code": { type: "string" },
  product: { type: "string" },
  provider: { type: "boolean" },
  off: { type: "boolean" },
  month: { type: "string" },
  "service-type": { type: "string" },
  rate: { type: "string" },
  from: { type: "string" },
  increment: { type: "string" },
  minimum: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const parseCommandLine = () => parseArgs({ options, allowPositionals: true });
type Options = ReturnType<typeof parseCommandLine>["values"];
/** One command's work on the database, with its output. */
type Command = (db: Database, o: Options) => Promise<void>;

const setStatus =
  (status: "suspended" | "active"): Command =>
  async (db, o) => {
    if (!o.email) throw new ValidationError("give --email ADDRESS");
    const r = await setUserStatus(db, { email: o.email, status });
    console.log(status === "suspended" ? `${o.email} is suspended; ${r.sessionsEnded} open session(s) ended.` : `${o.email} can log in again.`);
  };

const COMMANDS: Record<string, Command> = {
  "account create": async (db, o) => {
    const a = await createAccount(db, { number: o.number ?? "", company: o.company ?? "", currency: o.currency, locale: o.locale, timeZone: o["time-zone"], supportPhone: o["support-phone"] });
    console.log(`Account ${a.number} "${a.companyName}" created (${a.currency}, ${a.locale}, ${a.timeZone}).`);
  },
  "user create": async (db, o) => {
    const role = o.role === "owner" || o.role === "member" ? o.role : o.role === undefined ? undefined : "invalid";
    if (role === "invalid") throw new ValidationError("role must be owner or member", "role");
    const u = await createUser(db, { email: o.email ?? "", name: o.name ?? "", password: o.password, account: o.account, role });
    console.log(`User ${u.email} created${o.account ? ` (${role ?? "member"} of ${o.account})` : ""}.`);
    if (u.generatedPassword) console.log(`Password (shown once): ${u.generatedPassword}`);
  },
  "account require-2fa": async (db, o) => {
    if (!o.account) throw new ValidationError("give --account N");
    const r = await setTwoFactorRequired(db, { account: o.account, required: !o.off });
    console.log(
      o.off
        ? `Account ${o.account} no longer requires two-factor authentication (owners who enrolled keep it).`
        : `Account ${o.account} requires two-factor authentication; ${r.ownersWithoutSecondFactor} owner(s) without it will be sent to enrolment.`,
    );
  },
  "user reset-2fa": async (db, o) => {
    if (!o.email) throw new ValidationError("give --email ADDRESS");
    const r = await resetTwoFactor(db, { email: o.email });
    console.log(`${r.removed ? `${o.email} no longer has two-factor authentication` : `${o.email} had no two-factor authentication`}; ${r.sessionsEnded} open session(s) ended.`);
  },
  "user suspend": setStatus("suspended"),
  "user reinstate": setStatus("active"),
  "user password": async (db, o) => {
    if (!o.email) throw new ValidationError("give --email ADDRESS");
    const r = await setUserPassword(db, { email: o.email, password: o.password });
    console.log(`${o.email} has a new password${r.generatedPassword ? `: ${r.generatedPassword}` : ""}; ${r.sessionsEnded} open session(s) ended.`);
  },
  "member remove": async (db, o) => {
    if (!o.email || !o.account) throw new ValidationError("give --account N and --email ADDRESS");
    const r = await removeMember(db, { email: o.email, account: o.account });
    console.log(`${o.email} no longer belongs to account ${o.account}; ${r.sessionsEnded} open session(s) ended.`);
  },
  "room create": async (db, o) => {
    const product = o.product as "audio" | "web" | "webinar" | "training" | undefined;
    const r = await createRoom(db, { account: o.account ?? "", number: o.number ?? "", cardholder: o.cardholder ?? "", autoCode: o["auto-code"], product });
    console.log(`Room ${r.number} created.`);
  },
  "api-key create": async (db, o) => {
    if (!o.provider && !o.account) throw new ValidationError("give --account N, or --provider for a key valid for every account");
    const k = await createApiKey(db, { account: o.provider ? undefined : o.account });
    console.log(`API key (shown once; only its hash is stored):\n${k.key}`);
  },
  "period close": async (db, o) => {
    const p = await closePeriod(db, { account: o.account ?? "", month: o.month ?? "" });
    console.log(`${o.month} of account ${p.account} is now Invoiced: its billing codes are locked.`);
  },
  "tariff set": async (db, o) => {
    const serviceType = o["service-type"] as "toll" | "toll-free" | "dial-out" | "voip" | "operator-assisted";
    const t = await setTariff(db, { account: o.account, serviceType, rate: o.rate ?? "", from: o.from ?? "", increment: o.increment, minimum: o.minimum });
    console.log(`Tariff ${t.id} set.`);
  },
  "email reinstate": async (db, o) => {
    if (!o.account || !o.email) throw new ValidationError("give --account N and --email ADDRESS");
    const r = await reinstateEmail(db, { account: o.account, email: o.email });
    console.log(r.reinstated ? `${o.email} receives the scheduled reports of account ${o.account} again.` : `${o.email} was not unsubscribed from account ${o.account}: nothing to do.`);
  },
  purge: async (db) => {
    const purged = await purgeExpiredUsage(db, new Date(), "support (cli)");
    for (const p of purged) console.log(`Account ${p.account}, ${p.period.slice(0, 7)}: ${p.conferences} conferences and ${p.legs} legs purged.`);
    console.log(purged.length ? `${purged.length} month(s) purged.` : "Nothing older than 12 months to purge.");
  },
};

async function main(): Promise<number> {
  const { values: o, positionals } = parseCommandLine();
  const command = positionals.join(" ");
  if (o.help || !command) {
    console.log(USAGE);
    return o.help ? 0 : 2;
  }
  if (command === "database url") return printEmbeddedUrl();
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  await withDatabase((db) => run(db, o));
  return 0;
}

/** Only prints: opening the database here would stop it again on exit, and the URL would lead nowhere. */
function printEmbeddedUrl(): number {
  const env = loadDatabaseEnv();
  if (env.databaseUrl) throw new ValidationError("DATABASE_URL is set: the portal uses that database, not the embedded one", "database");
  const url = runningEmbeddedUrl(env.dataDir);
  if (!url) throw new ValidationError(`the embedded database in ${env.dataDir} is not running; start the portal (npm start) first`, "database");
  console.log(url);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ValidationError || error instanceof NotFoundError) {
      console.error(`Error: ${error.message}`);
      process.exit(1);
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`Error: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(describeError(error));
    process.exit(1);
  },
);
