import type { FilterOptions } from "@/lib/data/reports";
import { fill, type Messages } from "@/lib/i18n/messages";
import { reportDefinitions } from "@/lib/reports/definitions";
import { formatCount, formatDay } from "@/lib/format";
import { withColon } from "@/lib/i18n/typography";
import { ALL, earliestDay, gmtDay, rangePresets, reportTypes, type ReportQuery } from "@/lib/reports/query";
import { ReportBuilder, type BuilderState } from "./report-builder";

const ids = (q: URLSearchParams, name: string) => q.getAll(name).flatMap((v) => v.split(",")).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);

/** The builder's selections as asked (valid or not), the checked query's dates when there is one. */
function builderState(q: URLSearchParams, query: ReportQuery | undefined): BuilderState {
  return {
    type: q.get("type") ?? "",
    range: q.get("range") ?? (q.has("from") ? "custom" : ""),
    from: query?.from ?? q.get("from") ?? "",
    to: query?.to ?? q.get("to") ?? "",
    cardholders: ids(q, "cardholder"),
    allCardholders: q.getAll("cardholder").some((v) => v.split(",").includes(ALL)),
    owners: ids(q, "owner"),
    groups: ids(q, "group"),
    ungrouped: q.has("ungrouped"),
    products: q.getAll("product").flatMap((v) => v.split(",")),
  };
}

type Props = {
  t: Messages;
  /** The account's locale, in which the range's limits are written. */
  locale: string;
  now: Date;
  /** Open, unless a report is shown under it. */
  open: boolean;
  q: URLSearchParams;
  query: ReportQuery | undefined;
  errors: Record<string, string[]>;
  options: FilterOptions;
  products: readonly (keyof Messages["reports"]["products"])[];
  saveAbove: number;
};

/** The report builder, folded under its Edit button once a report is shown. */
export function ReportBuilderPanel({ t, locale, now, open, q, query, errors, options, products, saveAbove }: Props) {
  const r = t.reports;
  const person = (p: { id: number; name: string; email: string }) => ({ id: p.id, label: p.name, detail: p.email });
  return (
    <details open={open} className="group" data-testid="builder-details">
      <summary className="no-print mb-3 inline-flex cursor-pointer list-none items-center gap-1.5 rounded border border-brand-700 bg-white px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50 group-open:hidden">
        ✎ {r.edit}
      </summary>
      <ReportBuilder
        labels={{ steps: r.step, from: r.from, to: r.to, rangeHint: fill(r.rangeHint, { earliest: formatDay(earliestDay(now), locale), today: formatDay(gmtDay(now), locale) }), filters: r.filters, show: r.show, excel: r.excel, csv: r.csv, download: withColon(t.lang, r.download) }}
        counting={{ lang: t.lang, locale }}
        typeGroups={(["account", "conferences", "audio"] as const).map((group) => ({
          heading: r.groupHeadings[group],
          types: reportTypes.filter((type) => reportDefinitions.get(type)!.group === group).map((type) => ({ value: type, label: r.types[type].name, description: r.types[type].description })),
        }))}
        ranges={[...rangePresets, "custom" as const].map((value) => ({ value, label: r.ranges[value] }))}
        products={products.map((value) => ({ value, label: r.products[value] }))}
        options={{ cardholders: options.cardholders.map(person), owners: options.owners.map(person), groups: options.groups.map((g) => ({ id: g.id, label: g.name, detail: `(${formatCount(g.members, locale)})` })) }}
        state={builderState(q, query)}
        limits={{ earliest: earliestDay(now), today: gmtDay(now) }}
        errors={errors}
        everyCardholder={ALL}
        saveAbove={saveAbove}
      />
    </details>
  );
}
