/**
 * Checks a large .xlsx cheaply: finds one worksheet in the zip's central directory, inflates it as
 * a stream and counts its rows, keeping only the first rows (to find the header) and the last one
 * (the total row). Reading a million rows with a full spreadsheet reader would take minutes; this
 * takes seconds and holds one chunk in memory.
 */
import { createReadStream, openSync, closeSync, readSync, fstatSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { createInflateRaw } from "node:zlib";

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end-of-central-directory record is at most this far from the end (22 bytes + a 64 KiB comment). */
const EOCD_SEARCH = 22 + 0xffff;
/** A sheet entry is listed within this many central-directory entries. */
const MAX_ENTRIES = 10_000;
const HEAD_CHARS = 64 * 1024;

type Entry = { name: string; method: number; compressedSize: number; localOffset: number };

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

function entries(file: string): Entry[] {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const tailStart = Math.max(0, size - EOCD_SEARCH);
    const tail = readAt(fd, tailStart, size - tailStart);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
    const count = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) throw new Error(`${file}: ZIP64 archives are not read here`);
    const cd = readAt(fd, cdOffset, cdSize);
    const list: Entry[] = [];
    let p = 0;
    for (let i = 0; i < Math.min(count, MAX_ENTRIES); i++) {
      if (cd.readUInt32LE(p) !== CENTRAL) throw new Error(`${file}: bad central directory entry ${i}`);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      list.push({
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        localOffset: cd.readUInt32LE(p + 42),
        name: cd.toString("utf8", p + 46, p + 46 + nameLength),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    // Where each entry's data starts: after its local header, whose name and extra lengths may differ.
    for (const e of list) {
      const local = readAt(fd, e.localOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL) throw new Error(`${file}: bad local header for ${e.name}`);
      e.localOffset += 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    }
    return list;
  } finally {
    closeSync(fd);
  }
}

export type SheetScan = {
  entry: string;
  /** `<row>` elements in the sheet. */
  rowElements: number;
  /** The start of the sheet's XML (its first rows). */
  head: string;
  /** The last `<row>…</row>` element. */
  lastRow: string;
  xmlBytes: number;
};

/** Streams one worksheet (e.g. "xl/worksheets/sheet1.xml") of an .xlsx. */
export async function scanSheet(file: string, entryName: string): Promise<SheetScan> {
  const entry = entries(file).find((e) => e.name === entryName);
  if (!entry) throw new Error(`${file}: no ${entryName}`);
  if (entry.method !== 0 && entry.method !== 8) throw new Error(`${file}: ${entryName} uses compression method ${entry.method}`);
  const raw = createReadStream(file, { start: entry.localOffset, end: entry.localOffset + entry.compressedSize - 1 });
  const xml = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  raw.on("error", (error) => xml.destroy(error));
  let head = "";
  let carry = "";
  let rowElements = 0;
  let xmlBytes = 0;
  const decoder = new StringDecoder("utf8");
  for await (const chunk of xml as AsyncIterable<Buffer>) {
    xmlBytes += chunk.length;
    const decoded = decoder.write(chunk);
    if (head.length < HEAD_CHARS) head += decoded.slice(0, HEAD_CHARS - head.length);
    const text = carry + decoded;
    let last = -1;
    for (let i = text.indexOf("<row "); i >= 0; i = text.indexOf("<row ", i + 5)) {
      rowElements++;
      last = i;
    }
    // Keep from the last row on, which may continue in the next chunk; it is counted again there.
    if (last >= 0) {
      carry = text.slice(last);
      rowElements--;
    } else carry = text;
  }
  carry += decoder.end();
  // The final carry starts with the last row (counted once here).
  if (carry.startsWith("<row ")) rowElements++;
  const end = carry.indexOf("</row>");
  return { entry: entryName, rowElements, head, lastRow: end >= 0 ? carry.slice(0, end + 6) : carry, xmlBytes };
}

export type XlsxCell = { ref: string; column: string; row: number; text?: string; value?: number; formula?: string };

/** The cells of one `<row>` element: inline strings, numbers and formulas. */
export function cellsOf(rowXml: string): XlsxCell[] {
  const cells: XlsxCell[] = [];
  for (const m of rowXml.matchAll(/<c r="([A-Z]+)(\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const type = /\bt="([^"]+)"/.exec(m[3] ?? "")?.[1];
    const inner = m[4] ?? "";
    const cell: XlsxCell = { ref: `${m[1]}${m[2]}`, column: m[1]!, row: Number(m[2]) };
    const inline = /<t(?: [^>]*)?>([\s\S]*?)<\/t>/.exec(inner);
    const v = /<v>([^<]*)<\/v>/.exec(inner)?.[1];
    const f = /<f>([^<]*)<\/f>/.exec(inner);
    // A formula's string result (t="str") and an inline string (t="inlineStr") are text; otherwise <v> is a number.
    if (inline) cell.text = inline[1];
    else if (v !== undefined && (type === "str" || type === "s")) cell.text = v;
    else if (v !== undefined) cell.value = Number(v);
    if (f) cell.formula = f[1];
    cells.push(cell);
  }
  return cells;
}

/** Each `<row>` element among the first rows of a sheet, by row number. */
export function rowsOf(xml: string): { row: number; xml: string }[] {
  return [...xml.matchAll(/<row r="(\d+)"[^>]*>[\s\S]*?<\/row>/g)].map((m) => ({ row: Number(m[1]), xml: m[0] }));
}
