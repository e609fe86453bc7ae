/** For tests: the demo seeded on a test database, and the scope of its account's owner. */
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { scopeOf, type AccountScope } from "@/lib/auth/scope";
import { seedDemo } from "@/lib/demo/demo";

export async function seedDemoOwner(db: Database, now: Date): Promise<AccountScope> {
  await seedDemo(db, now);
  const { rows } = await db.execute<{ account_id: string; owner_id: string }>(sql`
    select a.id as account_id, m.user_id as owner_id from accounts a join account_members m on m.account_id = a.id and m.role = 'owner'`);
  return scopeOf(db, { userId: Number(rows[0]!.owner_id), accountId: Number(rows[0]!.account_id), roomId: null });
}
