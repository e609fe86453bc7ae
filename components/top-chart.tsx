import type { Top, TopLine } from "@/lib/data/usage-charts";
import { formatMoney } from "@/lib/format";
import type { Messages } from "@/lib/i18n/messages";
import { fill } from "@/lib/i18n/messages";

/** How a top line is named and where it opens (none: not a link). */
export type TopLink = { label: (line: TopLine) => string; href: (line: TopLine) => string | undefined };

type Props = { t: Messages; title: string; heading: string; top: Top; money: { currency: string; locale: string }; link: TopLink };

const percents = new Map<string, Intl.NumberFormat>();
function formatShare(part: number, whole: number, locale: string): string {
  if (whole <= 0) return "—";
  let format = percents.get(locale);
  if (!format) percents.set(locale, (format = new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 })));
  return format.format(part / whole);
}

/**
 * A period's top lines by charge as a table whose first column carries a bar (its length against
 * the first line's): the figures are the table's own text, so the bars are decoration for the eye
 * and hidden from screen readers; the caption says what they show.
 */
export function TopChart({ t, title, heading, top, money, link }: Props) {
  const largest = Math.max(1, ...top.lines.map((l) => l.chargeMinor));
  const total = formatMoney(top.total.chargeMinor, money.currency, money.locale);
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-sm font-semibold text-slate-800">{title}</figcaption>
      {top.lines.length === 0 ? (
        <p className="text-sm text-slate-600">{t.charts.none}</p>
      ) : (
        <table className="w-full table-fixed text-sm">
          <caption className="mb-2 text-left text-xs text-slate-600">{fill(t.charts.topSummary, { shown: top.lines.length, count: top.count, total })}</caption>
          <colgroup>
            <col />
            <col className="w-24" />
            <col className="w-16" />
          </colgroup>
          <thead className="sr-only">
            <tr>
              <th scope="col">{heading}</th>
              <th scope="col">{t.summary.charge}</th>
              <th scope="col">{t.charts.share}</th>
            </tr>
          </thead>
          <tbody>
            {top.lines.map((line) => {
              const href = link.href(line);
              const label = link.label(line);
              return (
                <tr key={line.key} className="align-bottom">
                  <th scope="row" className="py-1 pr-2 text-left font-normal">
                    <span className="block break-words">
                      {href ? (
                        <a href={href} className="font-medium text-brand-700 hover:underline">
                          {label}
                        </a>
                      ) : (
                        label
                      )}
                    </span>
                    <svg className="mt-0.5 block h-2.5 w-full" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">
                      <rect width="1000" height="10" fill="#f1f5f9" />
                      <rect width={Math.max(4, (line.chargeMinor / largest) * 1000)} height="10" fill="#0072B2" />
                    </svg>
                  </th>
                  <td className="py-1 text-right tabular-nums whitespace-nowrap">{formatMoney(line.chargeMinor, money.currency, money.locale)}</td>
                  <td className="py-1 pl-2 text-right tabular-nums whitespace-nowrap text-slate-600">{formatShare(line.chargeMinor, top.total.chargeMinor, money.locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </figure>
  );
}
