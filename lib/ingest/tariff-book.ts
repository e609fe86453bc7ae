import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import type { ServiceType } from "@/db/schema";
import { rateLeg, type Rate } from "@/lib/rating";

type Version = Rate & { validFrom: string };

/**
 * The rates that apply to a set of accounts: each account's own tariff, else the provider's
 * default, per service type, each version valid from a date (in the account's zone) on.
 */
export class TariffBook {
  private constructor(
    private readonly versions: Map<string, Version[]>,
    private readonly accounts: Map<number, { currency: string; timeZone: string }>,
  ) {}

  static async load(db: Pick<Queryable, "execute">, accountIds: number[]): Promise<TariffBook> {
    const ids = accountIds.length ? accountIds : [0];
    const { rows } = await db.execute<{ account_id: string | null; service_type: ServiceType; rate_per_minute_e4: string; increment_s: number; minimum_s: number; valid_from: string }>(sql`
      select account_id, service_type, rate_per_minute_e4, increment_s, minimum_s, valid_from::text as valid_from
      from tariffs where account_id is null or account_id in ${ids} order by valid_from desc`);
    const versions = new Map<string, Version[]>();
    for (const r of rows) {
      const key = `${r.account_id ?? "default"}|${r.service_type}`;
      const list = versions.get(key) ?? [];
      list.push({ ratePerMinuteE4: Number(r.rate_per_minute_e4), incrementS: r.increment_s, minimumS: r.minimum_s, validFrom: r.valid_from });
      versions.set(key, list);
    }
    const { rows: accountRows } = await db.execute<{ id: string; currency: string; time_zone: string }>(sql`select id, currency, time_zone from accounts where id in ${ids}`);
    return new TariffBook(versions, new Map(accountRows.map((a) => [Number(a.id), { currency: a.currency, timeZone: a.time_zone }])));
  }

  private readonly localDates = new Map<string, Intl.DateTimeFormat>();

  private localDate(instant: Date, timeZone: string): string {
    let format = this.localDates.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
      this.localDates.set(timeZone, format);
    }
    return format.format(instant);
  }

  /** Rates a leg with the version in force on its join date; undefined when no tariff covers it. */
  rate(accountId: number, serviceType: ServiceType, joinedAt: Date, durationS: number): { billableS: number; chargeMinor: number } | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    // A version valid since before the UTC day ahead of the join is valid in every zone: no
    // time-zone conversion is needed then, which is nearly always.
    const dayBefore = new Date(joinedAt.getTime() - 86_400_000).toISOString().slice(0, 10);
    let local: string | undefined;
    const inForce = (v: Version) => v.validFrom <= dayBefore || v.validFrom <= (local ??= this.localDate(joinedAt, account.timeZone));
    // The account's own rate where it has one for that date, else the provider's default.
    const version = this.versions.get(`${accountId}|${serviceType}`)?.find(inForce) ?? this.versions.get(`default|${serviceType}`)?.find(inForce);
    return version && rateLeg(durationS, version, account.currency);
  }
}
