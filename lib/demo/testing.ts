import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { oneRow } from "@/db/rows";
import { scopeOf, type AccountScope, type RoomScope } from "@/lib/auth/scope";
import { z } from "zod";
import { DEMO_ACCOUNT } from "./demo";

const ids = z.object({ account_id: z.coerce.number(), owner_id: z.coerce.number(), room_id: z.coerce.number(), holder_id: z.coerce.number() });

/** The demo account's owner and the holder of its room 33 270 3 (Marilene), as the portal scopes them after login. */
export async function demoScopes(db: Database): Promise<{ owner: AccountScope; marilene: RoomScope }> {
  const row = await oneRow(
    db,
    ids,
    sql`select a.id as account_id, m.user_id as owner_id, r.id as room_id, r.cardholder_id as holder_id
      from accounts a join account_members m on m.account_id = a.id and m.role = 'owner' join rooms r on r.account_id = a.id and r.number = '332703'
      where a.number = ${DEMO_ACCOUNT}`,
  );
  return {
    owner: await scopeOf(db, { userId: row.owner_id, accountId: row.account_id, roomId: null }),
    marilene: await scopeOf(db, { userId: row.holder_id, accountId: row.account_id, roomId: row.room_id }),
  };
}
