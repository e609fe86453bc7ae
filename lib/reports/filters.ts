/**
 * The people a report can be filtered on, per account, and the check that a report's filter ids
 * all belong to the account (an id of another account is as unknown as one that never existed).
 */
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { ValidationError } from "@/lib/errors";
import { fill, type Messages } from "@/lib/i18n/messages";
import type { ReportQuery } from "./query";

type Person = { id: number; name: string; email: string };
type Group = { id: number; name: string; members: number };
export type FilterOptions = { cardholders: Person[]; owners: Person[]; groups: Group[] };

export async function reportFilterOptions(db: Queryable, accountId: number): Promise<FilterOptions> {
  const [cardholders, owners, groups] = await Promise.all([
    db.execute<{ id: string; name: string; email: string }>(sql`
      select u.id, u.display_name as name, u.email from users u
      where u.id in (select cardholder_id from rooms where account_id = ${accountId})
      order by lower(u.display_name), u.id`),
    db.execute<{ id: string; name: string; email: string }>(sql`
      select u.id, u.display_name as name, u.email from account_members m join users u on u.id = m.user_id
      where m.account_id = ${accountId} and m.role = 'owner' order by lower(u.display_name), u.id`),
    db.execute<{ id: string; name: string; members: number }>(sql`
      select g.id, g.name, (select count(*) from group_members gm where gm.account_id = g.account_id and gm.group_id = g.id)::int as members
      from groups g where g.account_id = ${accountId} order by lower(g.name), g.id`),
  ]);
  const person = (r: { id: string; name: string; email: string }) => ({ id: Number(r.id), name: r.name, email: r.email });
  return {
    cardholders: cardholders.rows.map(person),
    owners: owners.rows.map(person),
    groups: groups.rows.map((g) => ({ id: Number(g.id), name: g.name, members: g.members })),
  };
}

export type FilterNames = { cardholders: string[]; owners: string[]; groups: string[] };

/**
 * Resolves the names of a report's filter ids within the account; any id that is not one of the
 * account's cardholders, owners or groups is a ValidationError naming the field.
 */
export async function checkReportFilters(db: Queryable, accountId: number, query: ReportQuery, t: Messages): Promise<FilterNames> {
  const none = Promise.resolve({ rows: [] as { id: string; name: string }[] });
  const [cardholders, owners, groups] = await Promise.all([
    query.cardholders.length
      ? db.execute<{ id: string; name: string }>(sql`
          select u.id, u.display_name as name from users u
          where u.id in ${query.cardholders} and exists (select 1 from rooms r where r.account_id = ${accountId} and r.cardholder_id = u.id)
          order by lower(u.display_name), u.id`)
      : none,
    query.owners.length
      ? db.execute<{ id: string; name: string }>(sql`
          select u.id, u.display_name as name from account_members m join users u on u.id = m.user_id
          where m.account_id = ${accountId} and m.role = 'owner' and u.id in ${query.owners} order by lower(u.display_name), u.id`)
      : none,
    query.groups.length
      ? db.execute<{ id: string; name: string }>(sql`select id, name from groups where account_id = ${accountId} and id in ${query.groups} order by lower(name), id`)
      : none,
  ]);
  const missing = (wanted: number[], found: { id: string }[]) => {
    const ids = new Set(found.map((f) => Number(f.id)));
    return wanted.filter((id) => !ids.has(id));
  };
  const e = t.reports.errors;
  for (const [field, wanted, found, message] of [
    ["cardholders", query.cardholders, cardholders.rows, e.unknownCardholders],
    ["owners", query.owners, owners.rows, e.unknownOwners],
    ["groups", query.groups, groups.rows, e.unknownGroups],
  ] as const) {
    const unknown = missing(wanted, found);
    if (unknown.length) throw new ValidationError(fill(message, { ids: unknown.slice(0, 5).join(", ") }), field);
  }
  return { cardholders: cardholders.rows.map((r) => r.name), owners: owners.rows.map((r) => r.name), groups: groups.rows.map((r) => r.name) };
}
