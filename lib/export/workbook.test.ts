import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import ExcelJS from "exceljs";
import { ACCENTED, FORMULAS, LOOKALIKES } from "./testing/payloads";
import { writtenCells } from "./testing/xlsx-parts";
import { createWorkbook } from "./workbook";

async function written(fill: (wb: ReturnType<typeof createWorkbook>) => Promise<void>): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  const wb = createWorkbook(output);
  await fill(wb);
  await wb.commit();
  return Buffer.concat(chunks);
}

test("text that would run as a formula is a string cell with the quote-prefix style, its value unchanged; numbers and phone numbers are not marked", async () => {
  const texts = [...FORMULAS, ...LOOKALIKES];
  const bytes = await written(async (wb) => {
    // Title, header and total rows are written by exceljs; the lines by the workbook's own renderer.
    const sheet = wb.addSheet({
      name: "Lines",
      title: ["=1+1 title", "A plain title"],
      columns: [
        { header: "@Name", kind: "text" },
        { header: "Plain", kind: "text" },
        { header: "Count", kind: "int" },
      ],
      account: { currency: "EUR", locale: "fr-FR" },
    });
    await sheet.addRows(texts.map((text) => [text, ACCENTED, 1]));
    sheet.finish("=Total", { 2: texts.length });
  });

  const cells = writtenCells(bytes);
  const header = 4;
  for (const [i, text] of texts.entries()) {
    const cell = cells.get(`A${header + 1 + i}`)!;
    // The formulas are guarded; the look-alikes (a phone number, a negative amount) keep the column's plain style.
    assert.deepEqual(cell, { type: "str", formula: undefined, value: text, quotePrefix: FORMULAS.includes(text) }, JSON.stringify(text));
    assert.deepEqual(cells.get(`B${header + 1 + i}`), { type: "str", formula: undefined, value: ACCENTED, quotePrefix: false });
  }
  for (const ref of ["A1", `A${header}`, `A${header + texts.length + 1}`]) {
    const cell = cells.get(ref)!;
    assert.equal(cell.type, "str", ref);
    assert.equal(cell.formula, undefined, ref);
    assert.equal(cell.quotePrefix, true, ref);
  }
  assert.equal(cells.get("A2")!.quotePrefix, false, "a plain title keeps its own style");
  assert.equal(cells.get(`C${header + texts.length + 1}`)!.formula, `SUM(C${header + 1}:C${header + texts.length})`, "the total is the only formula");

  // Read back as a spreadsheet program does: the exact text, no apostrophe, and still bold titles.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  assert.deepEqual(
    texts.map((_, i) => sheet.getCell(`A${header + 1 + i}`).value),
    texts,
  );
  assert.equal(sheet.getCell("A1").value, "=1+1 title");
  assert.equal(sheet.getCell("A1").font?.bold, true);
  assert.equal(sheet.getCell(`A${header}`).value, "@Name");
  assert.equal(sheet.getCell(`A${header + texts.length + 1}`).value, "=Total");
});
