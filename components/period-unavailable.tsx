import Link from "next/link";

export function PeriodUnavailable({ message, linkLabel, href }: { message: string; linkLabel: string; href: string }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-5 text-amber-900">
      <p>{message}</p>
      <Link href={href} className="mt-2 inline-block font-semibold text-brand-700 hover:underline">
        {linkLabel}
      </Link>
    </div>
  );
}
