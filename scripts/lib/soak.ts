/**
 * What the soak tests (app/concurrency.test.ts, and the scale-out test scripts/cluster.ts) do as
 * users: CDR batches to ingest, and the billing-code form of a conference page as a browser
 * without JavaScript posts it.
 */

/** `conferences` conferences of `legsEach` legs in `room`, on the 3rd of `period`'s month, as a CDR CSV batch. */
export function legsCsv(period: string, prefix: string, room: string, conferences: number, legsEach: number): string {
  const lines = ["leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product"];
  const [year, month] = period.split("-").map(Number) as [number, number];
  const start = Date.UTC(year, month - 1, 3, 8);
  for (let c = 0; c < conferences; c++) {
    for (let l = 0; l < legsEach; l++) {
      const joined = new Date(start + c * 3_600_000 + l * 60_000);
      lines.push(`${prefix}-${c}-${l},${prefix}-${c},${room},toll,${joined.toISOString()},${new Date(joined.getTime() + 600_000).toISOString()},Caller ${l},,,,`);
    }
  }
  return lines.join("\n");
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");

/** The conference pages a room page links to. */
export const conferenceLinks = (html: string) => [...new Set([...html.matchAll(/href="(\/rooms\/\d+\/conferences\/\d+)[^"]*"/g)].map((m) => m[1]!))];

/** The billing-code form of a conference page, as a browser without JavaScript posts it (its hidden fields; `code` to add). */
export function codeForm(html: string): FormData | undefined {
  const form = html.match(/<form[^>]*data-testid="billing-code-form"[\s\S]*?<\/form>/)?.[0];
  if (!form) return undefined;
  const data = new FormData();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)) data.append(decode(m[1]!), decode(m[2] ?? ""));
  return data;
}

/** The answers of the billing-code form: done, or a named conflict (the conference changed since the page was opened). */
export const assignedText = (code: string) => `Code ${code} assigned to 1 conference`;
export const CONFLICT_TEXT = "changed by someone else since you opened the page";
