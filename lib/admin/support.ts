import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable } from "@/db/client";
import {
  accountMembers,
  accounts,
  apiKeys,
  billingPeriods,
  directoryNumbers,
  products,
  rooms,
  serviceTypes,
  tariffs,
  users,
  userTwoFactor,
} from "@/db/schema";
import { audit } from "@/lib/audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { removeSecondFactor } from "@/lib/auth/two-factor";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { hashPassword } from "@/lib/password";
import { addMonths, fromUrlPeriod, periodOf } from "@/lib/periods";

/**
 * Support's operations (the admin CLI): each validates its input, runs in one transaction and is
 * audited as done by support.
 */
const SUPPORT = "support (cli)";

const number6 = z.string().trim().regex(/^\d{6}$/, "must be 6 digits");
const billingCode = z.string().trim().regex(/^[A-Za-z0-9-]{1,20}$/, "must be 1–20 letters, digits or hyphens");

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ValidationError(`${issue.path.join(".") || "value"}: ${issue.message}`, issue.path.join("."));
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

async function registerNumber(db: Queryable, number: string, kind: "account" | "room") {
  const inserted = await db.insert(directoryNumbers).values({ number, kind }).onConflictDoNothing().returning();
  if (!inserted.length) throw new ValidationError(`number ${number} is already used by an account or a room`, "number");
}

async function accountByNumber(db: Queryable, number: string) {
  const [account] = await db.select().from(accounts).where(eq(accounts.number, number));
  if (!account) throw new NotFoundError(`no account ${number}`);
  return account;
}

const accountInput = z.object({
  number: number6,
  company: z.string().trim().min(1, "is required").max(200),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code").default("EUR"),
  locale: z.string().trim().default("fr-FR").refine((l) => Intl.NumberFormat.supportedLocalesOf([l]).length > 0, "is not a known locale"),
  timeZone: z.string().trim().default("Europe/Paris").refine(isValidTimeZone, "is not an IANA time zone"),
  supportPhone: z.string().trim().max(40).default(""),
});

export async function createAccount(db: Database, input: z.input<typeof accountInput>) {
  const a = parse(accountInput, input);
  return db.transaction(async (tx) => {
    await registerNumber(tx, a.number, "account");
    const [account] = await tx
      .insert(accounts)
      .values({ number: a.number, companyName: a.company, currency: a.currency, locale: a.locale, timeZone: a.timeZone, supportPhone: a.supportPhone })
      .returning();
    await audit(tx, { accountId: account!.id, actorLabel: SUPPORT, action: "account.created", subject: a.number, after: a });
    return account!;
  });
}

const userInput = z.object({
  email: z.email("must be an e-mail address").transform((e) => e.trim()),
  name: z.string().trim().min(1, "is required").max(200),
  password: z.string().min(12, "must be at least 12 characters").optional(),
  account: number6.optional(),
  role: z.enum(["owner", "member"]).default("member"),
});

/** Creates a user (optionally a member or owner of an account); returns a generated password when none was given. */
export async function createUser(db: Database, input: z.input<typeof userInput>) {
  const u = parse(userInput, input);
  const password = u.password ?? randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, u.email.toLowerCase()));
    if (existing) throw new ValidationError(`a user ${u.email} already exists`, "email");
    const [user] = await tx.insert(users).values({ email: u.email, displayName: u.name, passwordHash }).returning({ id: users.id, email: users.email });
    let accountId: number | null = null;
    if (u.account) {
      accountId = (await accountByNumber(tx, u.account)).id;
      await tx.insert(accountMembers).values({ accountId, userId: user!.id, role: u.role });
    }
    await audit(tx, { accountId, actorLabel: SUPPORT, action: "user.created", subject: u.email, after: { email: u.email, name: u.name, role: u.account ? u.role : null } });
    return { ...user!, generatedPassword: u.password ? undefined : password };
  });
}

async function userByEmail(db: Queryable, email: string) {
  const [user] = await db.select({ id: users.id, email: users.email, status: users.status }).from(users).where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  if (!user) throw new NotFoundError(`no user ${email}`);
  return user;
}

/**
 * Suspends a user (or reinstates one): a suspended user cannot log in, and every session they
 * have open ends at once. Returns how many sessions ended.
 */
export async function setUserStatus(db: Database, input: { email: string; status: "active" | "suspended" }) {
  return db.transaction(async (tx) => {
    const user = await userByEmail(tx, input.email);
    await tx.update(users).set({ status: input.status }).where(eq(users.id, user.id));
    const ended = input.status === "suspended" ? await endUserSessions(tx, user.id, "suspended") : 0;
    await audit(tx, { actorLabel: SUPPORT, action: input.status === "suspended" ? "user.suspended" : "user.reinstated", subject: user.email, before: { status: user.status }, after: { status: input.status, sessionsEnded: ended } });
    return { sessionsEnded: ended };
  });
}

/** Gives a user a new password (generated when none is given); their open sessions end. */
export async function setUserPassword(db: Database, input: { email: string; password?: string }) {
  const password = input.password ?? randomBytes(12).toString("base64url");
  if (password.length < 8) throw new ValidationError("password: must be at least 8 characters", "password");
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const user = await userByEmail(tx, input.email);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const ended = await endUserSessions(tx, user.id, "password");
    await audit(tx, { actorLabel: SUPPORT, action: "user.password", subject: user.email, after: { sessionsEnded: ended } });
    return { sessionsEnded: ended, generatedPassword: input.password ? undefined : password };
  });
}

/**
 * Removes a user from an account (an owner who left the company): they lose the account, and
 * their sessions on it end. Rooms they hold stay theirs until given to someone else.
 */
export async function removeMember(db: Database, input: { email: string; account: string }) {
  return db.transaction(async (tx) => {
    const account = await accountByNumber(tx, input.account);
    const user = await userByEmail(tx, input.email);
    const removed = await tx.delete(accountMembers).where(and(eq(accountMembers.accountId, account.id), eq(accountMembers.userId, user.id))).returning();
    if (!removed.length) throw new NotFoundError(`${user.email} is not a member of account ${input.account}`);
    const ended = await endUserSessions(tx, user.id, "removed");
    await audit(tx, { accountId: account.id, actorLabel: SUPPORT, action: "member.removed", subject: user.email, before: { role: removed[0]!.role }, after: { sessionsEnded: ended } });
    return { sessionsEnded: ended };
  });
}

/**
 * Requires (or no longer requires) a second factor of every owner of an account: an owner without
 * one is sent to enrolment at their next request and reaches nothing else until enrolled.
 */
export async function setTwoFactorRequired(db: Database, input: { account: string; required: boolean }) {
  const number = parse(number6, input.account);
  return db.transaction(async (tx) => {
    const account = await accountByNumber(tx, number);
    await tx.update(accounts).set({ requireTwoFactor: input.required }).where(eq(accounts.id, account.id));
    const [pending] = await tx
      .select({ n: count() })
      .from(accountMembers)
      .leftJoin(userTwoFactor, eq(userTwoFactor.userId, accountMembers.userId))
      .where(and(eq(accountMembers.accountId, account.id), eq(accountMembers.role, "owner"), isNull(userTwoFactor.userId)));
    await audit(tx, { accountId: account.id, actorLabel: SUPPORT, action: "account.two-factor-required", subject: number, before: { required: account.requireTwoFactor }, after: { required: input.required } });
    return { ownersWithoutSecondFactor: pending?.n ?? 0 };
  });
}

/**
 * Removes a user's second factor (a lost phone, no recovery code left): their recovery codes go
 * too, and their open sessions end. They log in with their password, and enrol again where an
 * account requires it.
 */
export async function resetTwoFactor(db: Database, input: { email: string }) {
  return db.transaction(async (tx) => {
    const user = await userByEmail(tx, input.email);
    const removed = await removeSecondFactor(tx, user.id);
    const ended = await endUserSessions(tx, user.id, "two-factor-reset");
    await audit(tx, { actorLabel: SUPPORT, action: "user.two-factor-reset", subject: user.email, before: { enrolled: removed }, after: { enrolled: false, sessionsEnded: ended } });
    return { removed, sessionsEnded: ended };
  });
}

const roomInput = z.object({
  account: number6,
  number: number6,
  cardholder: z.email("must be the cardholder's e-mail address"),
  autoCode: billingCode.optional(),
  product: z.enum(products).default("audio"),
});

export async function createRoom(db: Database, input: z.input<typeof roomInput>) {
  const r = parse(roomInput, input);
  return db.transaction(async (tx) => {
    const account = await accountByNumber(tx, r.account);
    const [holder] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, r.cardholder.toLowerCase()));
    if (!holder) throw new NotFoundError(`no user ${r.cardholder}`);
    await registerNumber(tx, r.number, "room");
    const [room] = await tx
      .insert(rooms)
      .values({ accountId: account.id, number: r.number, cardholderId: holder.id, autoBillingCode: r.autoCode ?? null, product: r.product })
      .returning();
    await tx.insert(accountMembers).values({ accountId: account.id, userId: holder.id, role: "member" }).onConflictDoNothing();
    await audit(tx, { accountId: account.id, actorLabel: SUPPORT, action: "room.created", subject: r.number, after: r });
    return room!;
  });
}

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates an ingest key for one account, or a provider key (no account). The key is returned once; only its hash is kept. */
export async function createApiKey(db: Database, input: { account?: string }) {
  const accountNumber = input.account === undefined ? undefined : parse(number6, input.account);
  return db.transaction(async (tx) => {
    const accountId = accountNumber ? (await accountByNumber(tx, accountNumber)).id : null;
    const key = `cpk_${randomBytes(24).toString("base64url")}`;
    const [row] = await tx.insert(apiKeys).values({ accountId, prefix: key.slice(0, 10), hash: hashApiKey(key) }).returning({ id: apiKeys.id });
    await audit(tx, { accountId, actorLabel: SUPPORT, action: "api-key.created", subject: key.slice(0, 10), after: { id: row!.id, provider: accountId === null } });
    return { id: row!.id, key };
  });
}

/** Invoices a month: its billing codes lock. Only a month that has ended can be closed. */
export async function closePeriod(db: Database, input: { account: string; month: string }, now = new Date()) {
  const accountNumber = parse(number6, input.account);
  const period = fromUrlPeriod(input.month);
  if (!period) throw new ValidationError("month must be written YYYY-MM", "month");
  return db.transaction(async (tx) => {
    const account = await accountByNumber(tx, accountNumber);
    if (period >= periodOf(now, account.timeZone)) throw new ValidationError(`${input.month} has not ended yet in ${account.timeZone}`, "month");
    const [existing] = await tx.select().from(billingPeriods).where(and(eq(billingPeriods.accountId, account.id), eq(billingPeriods.period, period)));
    if (existing?.status === "invoiced") throw new ValidationError(`${input.month} is already invoiced`, "month");
    await tx
      .insert(billingPeriods)
      .values({ accountId: account.id, period, status: "invoiced", invoicedAt: now, invoicedBy: SUPPORT })
      .onConflictDoUpdate({ target: [billingPeriods.accountId, billingPeriods.period], set: { status: "invoiced", invoicedAt: now, invoicedBy: SUPPORT } });
    await audit(tx, { accountId: account.id, actorLabel: SUPPORT, action: "period.closed", subject: input.month, before: { status: existing?.status ?? "open" }, after: { status: "invoiced" } });
    return { account: account.number, period, next: addMonths(period, 1) };
  });
}

const tariffInput = z.object({
  account: number6.optional(),
  serviceType: z.enum(serviceTypes),
  rate: z.string().trim().regex(/^\d{1,6}(\.\d{1,4})?$/, "must be a rate per minute with at most 4 decimals, e.g. 0.0900"),
  increment: z.coerce.number().int().min(1).max(3600).default(60),
  minimum: z.coerce.number().int().min(0).max(3600).default(60),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD"),
});

/** Sets a rate from a date on (the account's, or the provider's default); earlier usage keeps its rating. */
export async function setTariff(db: Database, input: z.input<typeof tariffInput>) {
  const t = parse(tariffInput, input);
  const [units, decimals = ""] = t.rate.split(".");
  const ratePerMinuteE4 = Number(units) * 10_000 + Number(decimals.padEnd(4, "0"));
  return db.transaction(async (tx) => {
    const accountId = t.account ? (await accountByNumber(tx, t.account)).id : null;
    const values = { accountId, serviceType: t.serviceType, ratePerMinuteE4, incrementS: t.increment, minimumS: t.minimum, validFrom: t.from };
    const [row] = await tx
      .insert(tariffs)
      .values(values)
      .onConflictDoUpdate({ target: [tariffs.accountId, tariffs.serviceType, tariffs.validFrom], set: { ratePerMinuteE4, incrementS: t.increment, minimumS: t.minimum } })
      .returning({ id: tariffs.id });
    await audit(tx, { accountId, actorLabel: SUPPORT, action: "tariff.set", subject: t.serviceType, after: values });
    return row!;
  });
}
