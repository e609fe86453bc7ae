import Link from "next/link";
import { notFound } from "next/navigation";
import { BillingCodeForm } from "@/components/billing-code-form";
import { setRoomAutoCode } from "@/lib/actions/billing-codes";
import { requireOwner } from "@/lib/auth/session";
import { getBillingCodeSuggestions } from "@/lib/data/conferences";
import { findRoom } from "@/lib/data/rooms";
import { formatRoomNumber } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";

type Props = { params: Promise<{ number: string }>; searchParams: SearchParams };

export async function generateMetadata({ params }: Props) {
  const { number } = await params;
  return pageTitle((t) => [fill(t.codes.autoCodeTitle, { room: formatRoomNumber(number) })]);
}

/** Owners set a room's auto billing code here (room holders get 404). */
export default async function AutoCodePage({ params, searchParams }: Props) {
  const { scope } = await requireOwner();
  const [{ number }, query] = await Promise.all([params, searchParams]);
  const [room, { t }, suggestions] = await Promise.all([findRoom(scope, number), getMessages(), getBillingCodeSuggestions(scope)]);
  if (!room) notFound();
  const period = first(query.period);
  const back = `/account${period && /^\d{4}-\d{2}$/.test(period) ? `?period=${period}` : ""}`;
  return (
    <div className="max-w-2xl">
      <Link href={back} className="no-print mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">
        ← {t.room.backToAccount}
      </Link>
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold text-brand-900">{fill(t.codes.autoCodeTitle, { room: formatRoomNumber(room.number) })}</h1>
        <p className="mb-5 mt-1 text-sm text-slate-600">
          {room.cardholder} — {t.codes.autoCodeIntro}
        </p>
        <BillingCodeForm action={setRoomAutoCode.bind(null, room.number)} labels={{ billingCode: t.codes.autoCode, submit: t.codes.save, hint: t.codes.hint }} suggestions={suggestions} defaultValue={room.autoBillingCode ?? ""}>
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input type="checkbox" name="apply" className="mt-0.5 h-4 w-4 accent-brand-700" />
            {t.codes.applyToUnallocated}
          </label>
        </BillingCodeForm>
      </section>
    </div>
  );
}
