import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { rows } from "@/db/rows";
import { serviceTypes, type ServiceType } from "@/db/schema";
import { minorDigits } from "@/lib/format";
import { billableSeconds, chargeInDigits, type Rate } from "@/lib/rating";

type Version = Rate & { validFrom: string; /** UTC midnight of validFrom, epoch ms. */ validFromMs: number };
type Account = { currency: string; digits: number; timeZone: string };
/** Versions per service type, newest first. */
type Versions = Map<ServiceType, Version[]>;

const DAY_MS = 86_400_000;

/** A tariff version: an account's own, or the provider's default (account_id null). */
const tariffRow = z.object({
  account_id: z.coerce.number().nullable(),
  service_type: z.enum(serviceTypes),
  rate_per_minute_e4: z.coerce.number(),
  increment_s: z.number(),
  minimum_s: z.number(),
  valid_from: z.string(),
});
const accountRow = z.object({ id: z.coerce.number(), currency: z.string(), time_zone: z.string() });

/**
 * The rates that apply to a set of accounts: each account's own tariff, else the provider's
 * default, per service type, each version valid from a date (in the account's zone) on.
 */
export class TariffBook {
  private constructor(
    private readonly own: Map<number, Versions>,
    private readonly defaults: Versions,
    private readonly accounts: Map<number, Account>,
  ) {}

  static async load(db: Pick<Queryable, "execute">, accountIds: number[]): Promise<TariffBook> {
    const ids = accountIds.length ? accountIds : [0];
    const versionRows = await rows(db, tariffRow, sql`
      select account_id, service_type, rate_per_minute_e4, increment_s, minimum_s, valid_from::text as valid_from
      from tariffs where account_id is null or account_id in ${ids} order by valid_from desc`);
    const own = new Map<number, Versions>();
    const defaults: Versions = new Map();
    for (const r of versionRows) {
      const versions = r.account_id === null ? defaults : own.get(r.account_id) ?? own.set(r.account_id, new Map()).get(r.account_id)!;
      const list = versions.get(r.service_type) ?? versions.set(r.service_type, []).get(r.service_type)!;
      list.push({ ratePerMinuteE4: r.rate_per_minute_e4, incrementS: r.increment_s, minimumS: r.minimum_s, validFrom: r.valid_from, validFromMs: Date.parse(`${r.valid_from}T00:00:00Z`) });
    }
    const accountRows = await rows(db, accountRow, sql`select id, currency, time_zone from accounts where id in ${ids}`);
    return new TariffBook(own, defaults, new Map(accountRows.map((a) => [a.id, { currency: a.currency, digits: minorDigits(a.currency), timeZone: a.time_zone }])));
  }

  private readonly localDates = new Map<string, Intl.DateTimeFormat>();

  private localDate(joinedMs: number, timeZone: string): string {
    let format = this.localDates.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
      this.localDates.set(timeZone, format);
    }
    return format.format(joinedMs);
  }

  /** The newest of these versions valid on the join date, in the account's zone. */
  private inForce(versions: Version[] | undefined, joinedMs: number, account: Account): Version | undefined {
    if (!versions) return undefined;
    let local: string | undefined;
    for (const v of versions) {
      // A version valid since before the UTC day ahead of the join is valid in every zone: no
      // time-zone conversion is needed then, which is nearly always.
      if (v.validFromMs + DAY_MS <= joinedMs || v.validFrom <= (local ??= this.localDate(joinedMs, account.timeZone))) return v;
    }
    return undefined;
  }

  /** Rates a leg (joined at epoch ms) with the version in force on its join date; undefined when no tariff covers it. */
  rate(accountId: number, serviceType: ServiceType, joinedMs: number, durationS: number): { billableS: number; chargeMinor: number } | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    // The account's own rate where it has one for that date, else the provider's default.
    const version = this.inForce(this.own.get(accountId)?.get(serviceType), joinedMs, account) ?? this.inForce(this.defaults.get(serviceType), joinedMs, account);
    if (!version) return undefined;
    const billableS = billableSeconds(durationS, version);
    return { billableS, chargeMinor: chargeInDigits(billableS, version.ratePerMinuteE4, account.digits) };
  }
}
