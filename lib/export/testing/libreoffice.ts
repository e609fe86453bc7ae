/**
 * For tests: spreadsheets opened by LibreOffice, as a person would see them — each sheet as CSV of
 * the values as shown (number formats applied). LibreOffice runs
 * headless with a private profile whose locale is the account's (number formats show separators
 * and month names in the reader's locale), one conversion at a time: it is slow (2–5 s a call,
 * so a call converts every file at once) and two instances on one profile would clash.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";

const SOFFICE = process.env.SOFFICE ?? "soffice";
/** The CSV filter's options: comma, double quote, UTF-8, from line 1, …, cells as shown, every sheet (a file each). */
const CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1";
const TIMEOUT_MS = 180_000;

/** Fails with what to do when LibreOffice is missing: these tests never skip. */
function requireSoffice(): void {
  const probe = spawnSync(SOFFICE, ["--version"], { encoding: "utf8", timeout: 60_000 });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `LibreOffice is needed to read the spreadsheets back and "${SOFFICE}" did not run (${probe.error?.message ?? `exit ${probe.status}`}). ` +
        "Install it (Debian: apt-get install libreoffice-calc-nogui; .ci/run does) or point SOFFICE at it.",
    );
  }
}

/** A private profile that reads and shows numbers, dates and month names in `locale`. */
function profile(dir: string, locale: string): string {
  const user = path.join(dir, "user");
  mkdirSync(user, { recursive: true });
  writeFileSync(
    path.join(user, "registrymodifications.xcu"),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>${locale}</value></prop></item>
</oor:items>
`,
  );
  return `file://${dir}`;
}

let queue: Promise<unknown> = Promise.resolve();

/** Converts files (name → .xlsx bytes) to CSV, a file per sheet, in one LibreOffice run; the output files' names → bytes. */
function convertWithLibreOffice(files: Record<string, Buffer>, locale: string): Promise<Map<string, Buffer>> {
  const run = async () => {
    requireSoffice();
    const dir = mkdtempSync(path.join(tmpdir(), "lo-"));
    try {
      const input = path.join(dir, "in");
      const output = path.join(dir, "out");
      mkdirSync(input);
      const paths = Object.entries(files).map(([name, bytes]) => {
        const file = path.join(input, `${name}.xlsx`);
        writeFileSync(file, bytes);
        return file;
      });
      const user = profile(path.join(tmpdir(), `lo-profile-${randomBytes(6).toString("hex")}`), locale);
      try {
        await new Promise<void>((resolve, reject) =>
          execFile(SOFFICE, [`-env:UserInstallation=${user}`, "--headless", "--convert-to", CSV_AS_SHOWN, "--outdir", output, ...paths], { timeout: TIMEOUT_MS }, (error, _stdout, stderr) =>
            error ? reject(new Error(`LibreOffice failed: ${error.message}\n${stderr}`)) : resolve(),
          ),
        );
      } finally {
        rmSync(user.slice("file://".length), { recursive: true, force: true });
      }
      return new Map(readdirSync(output).map((name) => [name, readFileSync(path.join(output, name))]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** Each sheet of each file as LibreOffice shows it: `sheets(name, sheetName)` → rows of cells. */
export async function sheetsAsShown(files: Record<string, Buffer>, locale: string): Promise<(name: string, sheet: string) => string[][]> {
  const csv = await convertWithLibreOffice(files, locale);
  return (name, sheet) => {
    const bytes = csv.get(`${name}-${sheet}.csv`);
    if (!bytes) throw new Error(`LibreOffice wrote no ${name}-${sheet}.csv (it wrote ${[...csv.keys()].join(", ")})`);
    return parseCsv(bytes, { relax_column_count: true }) as string[][];
  };
}
