import Link from "next/link";

type Props = { options: { label: string; href: string; active: boolean }[] };

/** Sort by room / Sort by billing code: links, so the choice is in the URL. */
export function SortSwitch({ options }: Props) {
  return (
    <nav className="no-print inline-flex overflow-hidden rounded border border-slate-300 bg-white text-sm">
      {options.map((o) => (
        <Link key={o.href} href={o.href} aria-current={o.active ? "page" : undefined} className={`px-3 py-1.5 ${o.active ? "bg-brand-700 font-semibold text-white" : "text-brand-700 hover:bg-brand-50"}`}>
          {o.label}
        </Link>
      ))}
    </nav>
  );
}
