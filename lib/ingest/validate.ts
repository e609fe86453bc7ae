import { z } from "zod";
import { products, serviceTypes, type ServiceType } from "@/db/schema";

/** One problem of one row, as the API and the rejects file report it. */
export type RowError = { line: number; field: string; message: string };

export const MAX_LEG_HOURS = 48;

// ISO 8601 with an explicit offset: a timestamp without one is ambiguous across time zones.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

const timestamp = z
  .string({ error: "is required" })
  .trim()
  .regex(ISO_WITH_OFFSET, "must be an ISO 8601 timestamp with an offset, e.g. 2026-10-06T14:05:00+02:00")
  .transform((s, ctx) => {
    const date = new Date(s);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: "custom", message: "is not a real date and time" });
      return z.NEVER;
    }
    return date;
  });

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .optional()
    .transform((v) => v || undefined);

const cdr = z.object({
  leg_id: z.string({ error: "is required" }).trim().min(1, "is required").max(100, "must be at most 100 characters"),
  conference_id: z.string({ error: "is required" }).trim().min(1, "is required").max(100, "must be at most 100 characters"),
  room_number: z
    .string({ error: "is required" })
    .transform((s) => s.replace(/\s+/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "must be a 6-digit room number")),
  service_type: z.enum(serviceTypes, { error: `must be one of ${serviceTypes.join(", ")}` }),
  started_at: timestamp,
  ended_at: timestamp,
  caller_name: optionalText(200),
  caller_number: optionalText(40),
  dialed_number: optionalText(40),
  billing_code: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().max(20, "must be at most 20 characters").regex(/^[A-Za-z0-9-]+$/, "must be letters, digits or hyphens").optional()),
  product: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.enum(products, { error: `must be one of ${products.join(", ")}` }).optional()),
});

export type Cdr = {
  line: number;
  legId: string;
  conferenceId: string;
  roomNumber: string;
  serviceType: ServiceType;
  startedAt: Date;
  endedAt: Date;
  callerName: string;
  callerNumber: string;
  dialedNumber: string;
  billingCode: string | undefined;
  product: (typeof products)[number] | undefined;
};

/** Checks one record; every problem is reported, field by field. */
export function validateRecord(line: number, fields: Record<string, unknown>, now: Date, oldest: Date): { cdr: Cdr } | { errors: RowError[] } {
  // CSV values are strings already; NDJSON numbers (a room number) are read as their text.
  const input = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === "number" ? String(v) : v === null ? undefined : v]));
  const parsed = cdr.safeParse(input);
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => ({ line, field: String(i.path[0] ?? "row"), message: i.message })) };
  }
  const r = parsed.data;
  const errors: RowError[] = [];
  const seconds = (r.ended_at.getTime() - r.started_at.getTime()) / 1000;
  if (seconds < 0) errors.push({ line, field: "ended_at", message: "is before started_at" });
  else if (seconds > MAX_LEG_HOURS * 3600) errors.push({ line, field: "ended_at", message: `makes the leg longer than ${MAX_LEG_HOURS} hours` });
  if (r.ended_at.getTime() > now.getTime() + 5 * 60_000) errors.push({ line, field: "ended_at", message: "is in the future" });
  if (r.started_at < oldest) errors.push({ line, field: "started_at", message: "is older than the 12 months of usage kept" });
  if (errors.length) return { errors };
  return {
    cdr: {
      line,
      legId: r.leg_id,
      conferenceId: r.conference_id,
      roomNumber: r.room_number,
      serviceType: r.service_type,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      callerName: r.caller_name ?? "",
      callerNumber: r.caller_number ?? "",
      dialedNumber: r.dialed_number ?? "",
      billingCode: r.billing_code,
      product: r.product,
    },
  };
}
