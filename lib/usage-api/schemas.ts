/**
 * The usage API's requests and answers as zod schemas: the routes parse their query with them, and
 * the OpenAPI document (lib/usage-api/openapi.ts) is generated from them, so the two cannot differ.
 */
import { z } from "zod";

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month written YYYY-MM")
  .meta({ description: "A billing period: a calendar month in the account's time zone.", example: "2026-05" });
const day = z.iso.date("must be a date written YYYY-MM-DD");
const limit = z.coerce
  .number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
  .int(`must be a whole number from 1 to ${MAX_LIMIT}`)
  .min(1, `must be a whole number from 1 to ${MAX_LIMIT}`)
  .max(MAX_LIMIT, `must be a whole number from 1 to ${MAX_LIMIT}`)
  .default(DEFAULT_LIMIT)
  .meta({ description: `Items per page, at most ${MAX_LIMIT}.` });
const cursor = z.string().max(200, "is not a cursor this API gave").meta({ description: "`next_cursor` of the previous page; absent for the first page." });

/** Where the period, or the date range, is chosen: `period`, or `from` and/or `to`, never both. */
const range = {
  period: month.optional().meta({ description: "A billing month, YYYY-MM, in the account's time zone. The default when neither `period` nor `from`/`to` is given: the current month." }),
  from: day.optional().meta({ description: "The first day, YYYY-MM-DD, in the account's time zone (inclusive)." }),
  to: day.optional().meta({ description: "The last day, YYYY-MM-DD, in the account's time zone (inclusive)." }),
};

export const conferencesQuery = z
  .strictObject({
    ...range,
    room: z
      .string()
      .regex(/^\d{6}$/, "must be a room number of 6 digits")
      .optional()
      .meta({ description: "Only this room's conferences (6 digits).", example: "332703" }),
    code: z
      .string()
      .regex(/^[A-Za-z0-9-]{0,20}$/, "must be a billing code (1 to 20 letters, digits or hyphens), or empty for Unallocated")
      .optional()
      .meta({ description: "Only the conferences with this billing code; empty (`code=`) for the unallocated ones." }),
    limit,
    cursor: cursor.optional(),
  })
  .refine((q) => !(q.period && (q.from || q.to)), { message: "give either period or from/to, not both", path: ["period"] })
  .refine((q) => !(q.from && q.to && q.from > q.to), { message: "must not be after to", path: ["from"] });
export type ConferencesQuery = z.output<typeof conferencesQuery>;

export const legsQuery = z.strictObject({ limit, cursor: cursor.optional() });

export const totalsQuery = z.strictObject({
  period: range.period,
  by: z.enum(["room", "code"], { error: "must be room or code" }).default("room").meta({ description: "One line per room, or per billing code (with its rooms)." }),
});

export const conferenceIdParam = z.strictObject({
  id: z.coerce.number({ error: "must be a conference id" }).int("must be a conference id").positive("must be a conference id").max(Number.MAX_SAFE_INTEGER, "must be a conference id").meta({ description: "The conference's `id`.", example: 1234 }),
});

const utc = z.iso.datetime().meta({ description: "UTC, ISO 8601, to the microsecond.", example: "2026-05-04T08:30:00.000000Z" });
const money = {
  charge_minor: z.int().meta({ description: "The charge in minor units of `currency` (cents for EUR).", example: 1659 }),
  currency: z.string().meta({ description: "ISO 4217 currency code of the account.", example: "EUR" }),
};

const conference = z
  .object({
    id: z.int(),
    external_id: z.string().meta({ description: "The bridge's conference id (`conference_id` of the CDRs)." }),
    room: z.string().meta({ example: "332703" }),
    product: z.enum(["audio", "web", "webinar", "training"]),
    started_at: utc,
    ended_at: utc,
    billing_code: z.string().nullable().meta({ description: "null: Unallocated." }),
    billing_code_source: z.enum(["keypad", "auto", "assigned"]).nullable(),
    legs: z.int().meta({ description: "Its participants' connections." }),
    duration_s: z.int().meta({ description: "Its legs' summed duration, in seconds (the portal's Accumulated time)." }),
    ...money,
  })
  .meta({ id: "Conference" });

const leg = z
  .object({
    leg_id: z.string().meta({ description: "The bridge's leg id (`leg_id` of the CDRs)." }),
    participant_name: z.string(),
    caller_number: z.string(),
    dialed_number: z.string(),
    service_type: z.enum(["toll", "toll-free", "dial-out", "voip", "operator-assisted"]),
    joined_at: utc,
    left_at: utc,
    duration_s: z.int(),
    billable_s: z.int().meta({ description: "The seconds charged, after the tariff's increment and minimum." }),
    ...money,
    late: z.boolean().meta({ description: "Arrived after its billing period was invoiced." }),
  })
  .meta({ id: "Leg" });

const page = <T extends z.ZodType>(item: T) => ({
  data: z.array(item),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
});

export const conferencePage = z.object(page(conference)).meta({ id: "ConferencePage" });
export const legPage = z.object({ conference, ...page(leg) }).meta({ id: "LegPage" });

const sums = { duration_s: z.int(), ...money };
export const roomTotals = z
  .object({
    period: month,
    by: z.literal("room"),
    data: z.array(z.object({ room: z.string(), cardholder: z.string(), auto_billing_code: z.string().nullable(), ...sums }).meta({ id: "RoomLine" })),
    total: z.object(sums),
  })
  .meta({ id: "RoomTotals", description: "Each room with usage in the period, as the portal's account summary shows it." });
export const codeTotals = z
  .object({
    period: month,
    by: z.literal("code"),
    data: z.array(
      z
        .object({
          billing_code: z.string().nullable().meta({ description: "null: Unallocated." }),
          conferences: z.int(),
          ...sums,
          rooms: z.array(z.object({ room: z.string(), conferences: z.int(), ...sums }).meta({ id: "CodeRoomLine" })),
        })
        .meta({ id: "CodeLine" }),
    ),
    total: z.object({ conferences: z.int(), ...sums }),
  })
  .meta({ id: "CodeTotals", description: "Each billing code of the period (Unallocated first) with its rooms, as the portal's by-code view shows it." });

export const problem = z
  .object({
    error: z.string().meta({ description: "What is wrong, in English." }),
    issues: z.array(z.object({ parameter: z.string(), message: z.string() })).optional().meta({ description: "Each query parameter refused (400)." }),
  })
  .meta({ id: "Error" });
