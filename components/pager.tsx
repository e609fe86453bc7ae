type Labels = { range: string; previous: string; next: string; pages: string; page: string; goTo: string; go: string };
type Props = {
  page: { page: number; pages: number; from: number; to: number; count: number };
  href: (page: number) => string;
  labels: Labels;
  /** Numbers in the account's style ("5 675", "5,675"). */
  locale: string;
};

/** The page numbers shown: the first, the last, and two either side of this one; null for a gap (…) — a gap of one page shows that page. */
export function pageNumbers(page: number, pages: number): (number | null)[] {
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  return shown.flatMap((n, i) => {
    const gap = i > 0 ? n - shown[i - 1]! : 1;
    return gap === 1 ? [n] : gap === 2 ? [n - 1, n] : [null, n];
  });
}

/**
 * Under a long table: "Lines 101–200 of 2,000", then ← Previous · 1 … 4 5 6 … 114 · Next →, and a
 * "Go to page" field (a GET form carrying the table's other parameters: it works without
 * JavaScript). Nothing for a single page.
 */
export function Pager({ page, href, labels, locale }: Props) {
  if (page.pages <= 1) return null;
  const number = new Intl.NumberFormat(locale);
  const range = labels.range.replace("{from}", number.format(page.from)).replace("{to}", number.format(page.to)).replace("{count}", number.format(page.count));
  const button = "rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50";
  const target = new URL(href(1), "http://portal.invalid");
  const kept = [...target.searchParams].filter(([name]) => name !== "page");
  return (
    <nav className="no-print mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600" aria-label={labels.pages} data-testid="pager">
      <span>{range}</span>
      <span className="flex flex-wrap items-center gap-1.5">
        {page.page > 1 && (
          <a href={href(page.page - 1)} className={button} rel="prev">
            <span aria-hidden="true">←</span> {labels.previous}
          </a>
        )}
        {pageNumbers(page.page, page.pages).map((n, i) =>
          n === null ? (
            <span key={`gap-${i}`} aria-hidden="true" className="px-1">
              …
            </span>
          ) : n === page.page ? (
            <span key={n} aria-current="page" className="rounded bg-brand-700 px-3 py-1 font-semibold text-white">
              <span className="sr-only">{labels.page.replace("{page}", "")}</span>
              {number.format(n)}
            </span>
          ) : (
            <a key={n} href={href(n)} className={button} aria-label={labels.page.replace("{page}", number.format(n))}>
              {number.format(n)}
            </a>
          ),
        )}
        {page.page < page.pages && (
          <a href={href(page.page + 1)} className={button} rel="next">
            {labels.next} <span aria-hidden="true">→</span>
          </a>
        )}
        <form action={target.pathname} method="get" className="ml-2 flex items-center gap-1.5" data-testid="go-to-page">
          {kept.map(([name, value], i) => (
            <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
          ))}
          <label htmlFor="pager-page">{labels.goTo}</label>
          <input id="pager-page" name="page" type="number" min={1} max={page.pages} required className="w-20 rounded border border-slate-300 px-2 py-1 tabular-nums" />
          <button type="submit" className={button}>
            {labels.go}
          </button>
        </form>
      </span>
    </nav>
  );
}
