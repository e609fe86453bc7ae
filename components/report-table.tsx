import { html, innerHtml } from "@/lib/html";

type Props = {
  /** `oneLine`: numbers, codes, dates — never wrapped. */
  headers: { label: string; numeric: boolean; oneLine: boolean }[];
  /** Lines already formatted as text. */
  lines: string[][];
  /** The whole report's total row (first cell: its label); a page subtotal above it when paged. */
  total: string[];
  subtotal?: string[];
};

const th = "px-2 py-2.5 text-xs font-bold uppercase tracking-wide text-slate-600";

/** A report's lines, then its subtotal (of the page) and total (of the whole report). */
export function ReportTable({ headers, lines, total, subtotal }: Props) {
  // The label spans the empty cells before the first sum, on one line: alone in the first column it
  // set that column's width, and wide reports (conference history in French) ran past the page's edge.
  const foot = (cells: string[], testId: string, strong: boolean) => {
    const firstSum = cells.findIndex((cell, i) => i > 0 && cell !== "");
    const span = firstSum < 0 ? cells.length : firstSum;
    return (
      <tr data-testid={testId} className={strong ? "" : "font-normal text-slate-600"}>
        <th scope="row" colSpan={span} className="whitespace-nowrap px-2 py-2.5 text-left">
          {cells[0]}
        </th>
        {cells.slice(span).map((cell, j) => (
          <td key={span + j} className={`num px-2 py-2.5 ${headers[span + j]?.numeric ? "text-right" : ""}`}>
            {cell}
          </td>
        ))}
      </tr>
    );
  };
  const cellClass = headers.map((h) => (h.numeric ? html` class="n"` : h.oneLine ? html` class="t"` : ""));
  const body = html`${lines.map((line) => html`<tr>${line.map((cell, i) => html`<td${cellClass[i]}>${cell}</td>`)}</tr>`)}`;
  return (
    <div className="sticky-ends overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full border-collapse text-[13px]" data-testid="report-table">
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            {headers.map((h) => (
              <th key={h.label} scope="col" className={`${th} ${h.numeric ? "text-right" : "text-left"}`}>
                {h.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="lines divided compact" dangerouslySetInnerHTML={innerHtml(body)} />
        <tfoot className="border-t-2 border-slate-300 bg-slate-50 font-semibold">
          {subtotal && foot(subtotal, "subtotal", false)}
          {foot(total, "total", true)}
        </tfoot>
      </table>
    </div>
  );
}
