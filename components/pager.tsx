type Props = {
  page: { page: number; pages: number; from: number; to: number; count: number };
  href: (page: number) => string;
  labels: { range: string; previous: string; next: string };
};

/** "Lines 101–200 of 2,000 · ← Previous · Next →" under a long table; nothing for a single page. */
export function Pager({ page, href, labels }: Props) {
  if (page.pages <= 1) return null;
  const range = labels.range.replace("{from}", String(page.from)).replace("{to}", String(page.to)).replace("{count}", String(page.count));
  const button = "rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50";
  return (
    <nav className="no-print mt-3 flex items-center justify-between text-sm text-slate-600" aria-label={range} data-testid="pager">
      <span>{range}</span>
      <span className="flex gap-2">
        {page.page > 1 && (
          <a href={href(page.page - 1)} className={button} rel="prev">
            ← {labels.previous}
          </a>
        )}
        {page.page < page.pages && (
          <a href={href(page.page + 1)} className={button} rel="next">
            {labels.next} →
          </a>
        )}
      </span>
    </nav>
  );
}
