import { periodLabel, toUrlPeriod, type Period } from "@/lib/periods";
import { PeriodControls } from "./period-controls";

type Option = { value: string; label: string };

type Props = {
  label: string;
  periods: Period[];
  period: Period;
  /** The UI's language, in which the months are named. */
  locale: string;
  showLabel: string;
  displayLabel?: string;
  displays?: Option[];
  display?: string;
  sort?: string;
};

/** The Billing period line of a summary block: the selectable months, by name, in the URL's form. */
export function PeriodSelect({ label, periods, period, locale, ...rest }: Props) {
  return <PeriodControls periodLabel={label} periods={periods.map((p) => ({ value: toUrlPeriod(p), label: periodLabel(p, locale) }))} period={toUrlPeriod(period)} {...rest} />;
}
