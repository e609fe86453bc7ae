import "server-only";
import type { Writable } from "node:stream";
import type { Scope } from "@/lib/auth/scope";
import { getPeriodStatus, type AccountInfo } from "@/lib/data/account";
import { getCodeUsage } from "@/lib/data/code-usage";
import type { ConferenceFilter } from "@/lib/data/conference-queries";
import { getConference } from "@/lib/data/conferences";
import { getRoomUsage, type RoomDisplay } from "@/lib/data/room-usage";
import type { RoomHeader } from "@/lib/data/rooms";
import { formatLocalDate, formatLocalTime, formatRoomNumber } from "@/lib/format";
import { fill, type Locale, type Messages } from "@/lib/i18n/messages";
import { periodInSentence, toUrlPeriod, type Period } from "@/lib/periods";
import { statementRows } from "./conference-rows";
import { createWorkbook, excelDateTime, wallClock, type Cell, type Column, type ColumnKind, type TableWriter } from "./workbook";

/** The seed's columns for conference lines; they stay in English whatever the UI language. */
export const SEED_COLUMNS: Column[] = [
  { header: "DATE", kind: "date" },
  { header: "START TIME", kind: "time" },
  { header: "ROOM NUMBER", kind: "text", width: 14 },
  { header: "CARDHOLDER", kind: "text", width: 28 },
  { header: "PARTICIPANTS", kind: "int", width: 14 },
  { header: "BILLING CODE", kind: "text", width: 22 },
  { header: "CONFERENCE LENGTH", kind: "duration", width: 20 },
  { header: "ACCUMULATED TIME", kind: "duration", width: 19 },
  { header: "CHARGES", kind: "money", width: 14 },
];

/** A column of a download: its heading in the UI language, its kind, its width. */
type OaiColumn = { header: (t: Messages) => string; kind: ColumnKind; width?: number };

/**
 * The column tables of the downloads besides the conference lines (SEED_COLUMNS): each column's
 * kind, which decides its cells (lib/export/sheet-xml.ts), declared once here.
 */
export const OAI_COLUMNS = {
  codeUsage: [
    { header: (t) => t.codes.billingCode, kind: "text", width: 22 },
    { header: (t) => t.summary.roomNumber, kind: "text", width: 14 },
    { header: (t) => t.summary.cardholder, kind: "text", width: 28 },
    { header: (t) => t.codes.conferences, kind: "int" },
    { header: (t) => t.summary.accumulatedTime, kind: "duration", width: 18 },
    { header: (t) => t.summary.charge, kind: "money" },
  ],
  roomUsage: [
    { header: (t) => t.summary.roomNumber, kind: "text", width: 14 },
    { header: (t) => t.summary.cardholder, kind: "text", width: 28 },
    { header: (t) => t.summary.autoBillingCode, kind: "text", width: 22 },
    { header: (t) => t.summary.accumulatedTime, kind: "duration", width: 18 },
    { header: (t) => t.summary.charge, kind: "money" },
  ],
  participants: [
    { header: (t) => t.conference.name, kind: "text", width: 26 },
    { header: (t) => t.conference.phoneNumber, kind: "phone", width: 20 },
    { header: (t) => t.conference.serviceType, kind: "text", width: 20 },
    // The day and the time with its seconds: a participant may join before midnight and leave after.
    { header: (t) => t.conference.joined, kind: "datetime" },
    { header: (t) => t.conference.left, kind: "datetime" },
    { header: (t) => t.conference.duration, kind: "duration" },
    { header: (t) => t.conference.charge, kind: "money" },
  ],
  statementRooms: [
    { header: (t) => t.summary.roomNumber, kind: "text", width: 22 },
    { header: (t) => t.summary.cardholder, kind: "text", width: 28 },
    { header: (t) => t.summary.accumulatedTime, kind: "duration", width: 18 },
    { header: (t) => t.summary.charge, kind: "money" },
  ],
  statementCodes: [
    { header: (t) => t.codes.billingCode, kind: "text" },
    { header: (t) => t.codes.conferences, kind: "int" },
    { header: (t) => t.summary.accumulatedTime, kind: "duration" },
    { header: (t) => t.summary.charge, kind: "money" },
  ],
} satisfies Record<string, OaiColumn[]>;

const columnsIn = (t: Messages, table: OaiColumn[]): Column[] => table.map((c) => ({ header: c.header(t), kind: c.kind, width: c.width }));

export type ExportContext = { scope: Scope; account: AccountInfo; t: Messages; locale: Locale; period: Period; signal?: AbortSignal; now?: Date };

export type Export = { filename: string; write: (output: Writable) => Promise<void> };

async function titleBlock(c: ExportContext, heading: string, extra: string[] = []): Promise<string[]> {
  const status = await getPeriodStatus(c.scope, c.period);
  const now = c.now ?? new Date();
  return [
    `${c.t.provider} ${c.t.productName} — ${c.account.companyName} (${c.account.number})`,
    heading,
    fill(c.t.download.period, { period: periodInSentence(c.period, c.locale), status: status === "invoiced" ? c.t.summary.invoiced : c.t.summary.notInvoiced }),
    ...extra,
    fill(c.t.download.generated, { date: `${formatLocalDate(now, c.account.timeZone, c.account.locale)} ${formatLocalTime(now, c.account.timeZone, c.account.locale)}`, zone: c.account.timeZone }),
  ];
}

const fileName = (c: ExportContext, what: string) => `oai-${c.account.number}-${toUrlPeriod(c.period)}-${what}.xlsx`;

/** Streams conference lines in the seed's columns and returns their totals (which the total row repeats). */
async function writeConferenceLines(sheet: TableWriter, c: ExportContext, filter: ConferenceFilter | null) {
  let durationS = 0;
  let chargeMinor = 0;
  let participants = 0;
  for await (const batch of statementRows(c.scope, c.period, filter, c.signal)) {
    const rows: Cell[][] = [];
    for (const r of batch) {
      const start = excelDateTime(r.started_ms, c.account.timeZone);
      const duration = Number(r.duration_s);
      const charge = Number(r.charge_minor);
      rows.push([start.date, start.time, formatRoomNumber(r.room_number), r.cardholder, r.participants, r.billing_code ?? c.t.codes.unallocated, r.length_s, duration, charge]);
      durationS += duration;
      chargeMinor += charge;
      participants += r.participants;
    }
    await sheet.addRows(rows);
  }
  return { durationS, chargeMinor, participants };
}

/** The account summary as shown: by room (display active/all) or by billing code. */
export function accountExport(c: ExportContext, display: RoomDisplay, byCode: boolean): Export {
  return {
    filename: fileName(c, byCode ? "codes" : display === "all" ? "account-all" : "account"),
    async write(output) {
      const wb = createWorkbook(output);
      const title = await titleBlock(c, c.t.summary.title);
      if (byCode) {
        const usage = await getCodeUsage(c.scope, c.period);
        const sheet = wb.addSheet({
          name: c.t.codes.sortByCode.slice(0, 31),
          title,
          account: c.account,
          columns: columnsIn(c.t, OAI_COLUMNS.codeUsage),
        });
        for (const code of usage.codes) {
          for (const room of code.rooms) {
            await sheet.addRow([code.code ?? c.t.codes.unallocated, formatRoomNumber(room.number), room.cardholder, room.conferences, room.durationS, room.chargeMinor]);
          }
        }
        sheet.finish(c.t.summary.total, { 3: usage.total.conferences, 4: usage.total.durationS, 5: usage.total.chargeMinor });
      } else {
        const usage = await getRoomUsage(c.scope, c.period, display);
        const sheet = wb.addSheet({
          name: c.t.summary.title.slice(0, 31),
          title,
          account: c.account,
          columns: columnsIn(c.t, OAI_COLUMNS.roomUsage),
        });
        for (const r of usage.rows) await sheet.addRow([formatRoomNumber(r.number), r.cardholder, r.autoBillingCode, r.durationS, r.chargeMinor]);
        sheet.finish(c.t.summary.total, { 3: usage.total.durationS, 4: usage.total.chargeMinor });
      }
      await wb.commit();
    },
  };
}

/** A room's conferences of the period, one line per conference, in the seed's columns. */
export function roomExport(c: ExportContext, room: RoomHeader): Export {
  return conferenceListExport(c, { name: `room-${room.number}`, heading: c.t.room.title, lines: [fill(c.t.download.room, { room: formatRoomNumber(room.number), cardholder: room.cardholder })] }, { roomId: room.id });
}

/**
 * A list of conferences as its page shows it (a room's, a billing code's across rooms, the
 * clean-up's unallocated ones with their filter), one line per conference, in the seed's columns.
 * `what`: the file's name part, the sheet's heading and the lines that say which list it is.
 */
export function conferenceListExport(c: ExportContext, what: { name: string; heading: string; lines: string[] }, filter: ConferenceFilter): Export {
  return {
    filename: fileName(c, what.name),
    async write(output) {
      const wb = createWorkbook(output);
      const title = await titleBlock(c, what.heading, what.lines);
      const sheet = wb.addSheet({ name: what.heading.slice(0, 31), title, account: c.account, columns: SEED_COLUMNS });
      const totals = await writeConferenceLines(sheet, c, filter);
      sheet.finish(c.t.summary.total, { 4: totals.participants, 7: totals.durationS, 8: totals.chargeMinor });
      await wb.commit();
    },
  };
}

/** A conference's participants, as its page shows them. */
export async function conferenceExport(c: ExportContext, roomNumber: string, conferenceId: number): Promise<Export | undefined> {
  const found = await getConference(c.scope, roomNumber, conferenceId);
  if (!found) return undefined;
  const { conference, participants, total } = found;
  const context = { ...c, period: conference.period };
  return {
    filename: fileName(context, `conference-${conference.id}`),
    async write(output) {
      const wb = createWorkbook(output);
      const when = `${formatLocalDate(conference.startedAt, c.account.timeZone, c.account.locale)} ${formatLocalTime(conference.startedAt, c.account.timeZone, c.account.locale)}`;
      const title = await titleBlock(context, c.t.conference.title, [
        fill(c.t.download.room, { room: formatRoomNumber(conference.roomNumber), cardholder: conference.cardholder }),
        fill(c.t.download.conference, { date: when }),
        fill(c.t.reports.labelValue, { label: c.t.codes.billingCode, value: conference.billingCode ?? c.t.codes.unallocated }),
      ]);
      const sheet = wb.addSheet({
        name: c.t.conference.title.slice(0, 31),
        title,
        account: c.account,
        columns: columnsIn(c.t, OAI_COLUMNS.participants),
      });
      for (const p of participants) {
        await sheet.addRow([p.name, p.phoneNumber, c.t.serviceTypes[p.serviceType as keyof Messages["serviceTypes"]] ?? p.serviceType, wallClock(p.joinedAt, c.account.timeZone), wallClock(p.leftAt, c.account.timeZone), p.durationS, p.chargeMinor]);
      }
      sheet.finish(c.t.conference.total, { 5: total.durationS, 6: total.chargeMinor });
      await wb.commit();
    },
  };
}

/** The owner's monthly statement: every conference line of the period; a second sheet of totals per room and per code. */
export function statementExport(c: ExportContext): Export {
  return {
    filename: fileName(c, "statement"),
    async write(output) {
      const wb = createWorkbook(output);
      const title = await titleBlock(c, c.t.download.statement);
      const lines = wb.addSheet({ name: c.t.download.statement.slice(0, 31), title, account: c.account, columns: SEED_COLUMNS });
      const totals = await writeConferenceLines(lines, c, null);
      lines.finish(c.t.summary.total, { 4: totals.participants, 7: totals.durationS, 8: totals.chargeMinor });

      const [rooms, codes] = await Promise.all([getRoomUsage(c.scope, c.period, "active"), getCodeUsage(c.scope, c.period)]);
      const summary = wb.addSheet({
        name: c.t.download.totalsSheet.slice(0, 31),
        title: [...title.slice(0, 1), c.t.download.perRoom],
        account: c.account,
        columns: columnsIn(c.t, OAI_COLUMNS.statementRooms),
      });
      for (const r of rooms.rows) await summary.addRow([formatRoomNumber(r.number), r.cardholder, r.durationS, r.chargeMinor]);
      summary.finish(c.t.summary.total, { 2: rooms.total.durationS, 3: rooms.total.chargeMinor });
      const perCode = summary.addTable(c.t.download.perCode, columnsIn(c.t, OAI_COLUMNS.statementCodes));
      for (const code of codes.codes) await perCode.addRow([code.code ?? c.t.codes.unallocated, code.conferences, code.durationS, code.chargeMinor]);
      perCode.finish(c.t.summary.total, { 1: codes.total.conferences, 2: codes.total.durationS, 3: codes.total.chargeMinor });
      await wb.commit();
    },
  };
}

