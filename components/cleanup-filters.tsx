import { formatRoomNumber } from "@/lib/format";
import type { Messages } from "@/lib/i18n/messages";
import { Field, inputClass, SelectField } from "./field";

type Props = {
  t: Messages;
  /** The selectable months ([url value, name]) and the one shown. */
  periods: [string, string][];
  period: string;
  /** The rooms with unallocated conferences in the period (and the one chosen). */
  rooms: { number: string; cardholder: string; conferences: number }[];
  values: { room: string; from: string; to: string };
  errors: { from?: string; to?: string };
  /** The first and last day of the period, for the date pickers. */
  days: { min: string; max: string };
  clearHref: string;
};

/** The clean-up's filters, sent in the URL (GET): month, room, from and to (days of the month). */
export function CleanupFilters({ t, periods, period, rooms, values, errors, days, clearHref }: Props) {
  const day = (name: "from" | "to", label: string) => (
    <Field id={`cleanup-${name}`} name={name} label={label} errors={errors[name] ? [errors[name]] : undefined} className="w-40">
      {(control) => <input {...control} type="date" min={days.min} max={days.max} defaultValue={values[name]} className={inputClass(control["aria-invalid"])} />}
    </Field>
  );
  return (
    <form method="get" action="/account/unallocated" className="no-print mb-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="cleanup-filters" data-testid="cleanup-filters">
      <h2 id="cleanup-filters" className="mb-2 text-xs font-bold uppercase tracking-wide text-slate-600">
        {t.cleanup.filters}
      </h2>
      <div className="flex flex-wrap items-start gap-x-4 gap-y-3">
        <div className="w-44">
          <SelectField id="cleanup-period" name="period" label={t.summary.billingPeriod} options={periods} defaultValue={period} />
        </div>
        <div className="w-72 max-w-full">
          <SelectField
            id="cleanup-room"
            name="room"
            label={t.cleanup.room}
            defaultValue={values.room}
            options={[["", t.cleanup.allRooms], ...rooms.map((r): [string, string] => [r.number, `${formatRoomNumber(r.number)} — ${r.cardholder} (${r.conferences})`])]}
          />
        </div>
        {day("from", t.cleanup.from)}
        {day("to", t.cleanup.to)}
        <div className="flex items-center gap-3 self-end pb-px">
          <button type="submit" className="rounded border border-brand-700 bg-white px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50">
            {t.cleanup.filter}
          </button>
          <a href={clearHref} className="text-sm font-medium text-brand-700 hover:underline">
            {t.cleanup.clearFilters}
          </a>
        </div>
      </div>
    </form>
  );
}
