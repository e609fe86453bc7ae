import { PrintButton } from "./print-button";

type Link = { label: string; href: string };

/** Download (and, for owners, the monthly statement) and Print, at the top right of every OAI page. */
export function PageActions({ download, extra, printLabel }: { download: Link; extra?: Link; printLabel: string }) {
  const button = "inline-flex items-center gap-1.5 rounded border px-3 py-1.5 text-sm font-semibold";
  return (
    <div className="no-print mb-4 flex flex-wrap justify-end gap-2">
      <a href={download.href} download className={`${button} border-brand-700 bg-brand-700 text-white hover:bg-brand-900`} data-testid="download">
        <span aria-hidden="true">↓</span> {download.label}
      </a>
      {extra && (
        <a href={extra.href} download className={`${button} border-brand-700 bg-white text-brand-700 hover:bg-brand-50`} data-testid="statement">
          <span aria-hidden="true">↓</span> {extra.label}
        </a>
      )}
      <PrintButton label={printLabel} className={`${button} border-slate-300 bg-white text-slate-700 hover:bg-slate-50`} />
    </div>
  );
}
