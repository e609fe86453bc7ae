/**
 * For tests: what an .xlsx holds that exceljs does not read back — a cell's type as written, its
 * formula if any, and whether its style carries Excel's quotePrefix. Reads the zip in memory
 * (central directory, then each entry's deflated data) and the two XML parts with patterns fit
 * for the XML the workbook writer produces, not for any .xlsx.
 */
import { inflateRawSync } from "node:zlib";

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/** One file of a zip held in memory, as text. */
export function zipEntry(zip: Buffer, name: string): string {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== EOCD) end--;
  if (end < 0) throw new Error("not a zip file");
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== CENTRAL) throw new Error(`bad central directory entry ${i}`);
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    if (zip.toString("utf8", p + 46, p + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString("utf8");
    }
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  throw new Error(`${name} is not in the zip`);
}

export type WrittenCell = { type: string | undefined; formula: string | undefined; value: string | undefined; quotePrefix: boolean };

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const decode = (text: string) =>
  text.replace(/&(lt|gt|amp|apos|quot|#\d+|#x[\da-f]+);/gi, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' }[e]!,
  );

/** The cells of a worksheet (1 = the first) by reference ("A1"), as written in the file. */
export function writtenCells(xlsx: Buffer, sheet = 1): Map<string, WrittenCell> {
  const styles = zipEntry(xlsx, "xl/styles.xml");
  const cellXfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? "";
  const quoted = [...cellXfs.matchAll(/<xf\b[^>]*>/g)].map((m) => attribute(m[0], "quotePrefix") === "1");
  const cells = new Map<string, WrittenCell>();
  for (const m of zipEntry(xlsx, `xl/worksheets/sheet${sheet}.xml`).matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const tag = m[1]!;
    const body = m[2] ?? "";
    const formula = /<f>([\s\S]*?)<\/f>/.exec(body)?.[1];
    const value = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
    cells.set(attribute(tag, "r")!, {
      type: attribute(tag, "t"),
      formula: formula === undefined ? undefined : decode(formula),
      value: value === undefined ? undefined : decode(value),
      quotePrefix: quoted[Number(attribute(tag, "s") ?? 0)] ?? false,
    });
  }
  return cells;
}

/** A cell as written, its style spelled out: the xf's attributes with its number format, font, fill and border as their XML. */
export type StyledCell = { type: string | undefined; formula: string | undefined; value: string | undefined; style: string };

/** The entries (`<font>…</font>`, `<xf …/>`) of one list of styles.xml, as XML. */
function styleList(styles: string, list: string, entry: string): string[] {
  const body = new RegExp(`<${list}\\b[^>]*>([\\s\\S]*?)</${list}>`).exec(styles)?.[1] ?? "";
  return [...body.matchAll(new RegExp(`<${entry}\\b[^>]*?(?:/>|>[\\s\\S]*?</${entry}>)`, "g"))].map((m) => m[0]);
}

/**
 * The cells of a worksheet (1 = the first) by reference, value and formula as written (not
 * decoded), the style as what it holds rather than its index: two files that write the same cells
 * with their styles in another order compare equal.
 */
export function styledCells(xlsx: Buffer, sheet = 1): Map<string, StyledCell> {
  const styles = zipEntry(xlsx, "xl/styles.xml");
  const formats = new Map([...styles.matchAll(/<numFmt\b[^>]*\/>/g)].map((m) => [attribute(m[0], "numFmtId")!, attribute(m[0], "formatCode")!]));
  const [fonts, fills, borders] = [styleList(styles, "fonts", "font"), styleList(styles, "fills", "fill"), styleList(styles, "borders", "border")];
  const xfs = styleList(styles, "cellXfs", "xf").map((xf) => {
    const id = (name: string) => Number(attribute(xf, name) ?? 0);
    const numFmtId = attribute(xf, "numFmtId") ?? "0";
    const rest = xf.replace(/\s(numFmtId|fontId|fillId|borderId)="[^"]*"/g, "");
    return `${rest} numFmt=${JSON.stringify(formats.get(numFmtId) ?? `builtin ${numFmtId}`)} font=${fonts[id("fontId")]} fill=${fills[id("fillId")]} border=${borders[id("borderId")]}`;
  });
  const cells = new Map<string, StyledCell>();
  for (const m of zipEntry(xlsx, `xl/worksheets/sheet${sheet}.xml`).matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const tag = m[1]!;
    const body = m[2] ?? "";
    cells.set(attribute(tag, "r")!, {
      type: attribute(tag, "t"),
      formula: /<f>([\s\S]*?)<\/f>/.exec(body)?.[1],
      value: /<v>([\s\S]*?)<\/v>/.exec(body)?.[1],
      style: xfs[Number(attribute(tag, "s") ?? 0)]!,
    });
  }
  return cells;
}
