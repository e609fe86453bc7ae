import { formatDuration, formatMoney } from "@/lib/format";

type Sums = { durationS: number; chargeMinor: number };

type Props = {
  label: string;
  /** Columns before the duration. */
  span: number;
  /** Of those, the first ones shown on screen only (the selection's checkboxes): left out of a printout, the Total must not span them. */
  screenOnly?: number;
  total: Sums;
  money: { currency: string; locale: string };
  /** On a page of a longer list: the sums of the lines shown, above the total of the whole list. */
  subtotal?: { label: string; sums: Sums };
};

/** The Total line of a usage table: the sums of its lines, duration then charge. */
export function TotalRow({ label, span, screenOnly = 0, total, money, subtotal }: Props) {
  const line = (text: string, sums: Sums, testId: string, strong: boolean) => (
    <tr data-testid={testId} className={strong ? "" : "font-normal text-slate-600"}>
      {screenOnly > 0 && <td className="no-print" colSpan={screenOnly} />}
      <th scope="row" colSpan={span - screenOnly} className="px-3 py-2.5 text-left sm:text-right">
        {text}
      </th>
      <td className="num px-3 py-2.5 text-right">{formatDuration(sums.durationS)}</td>
      <td className="num px-3 py-2.5 text-right">{formatMoney(sums.chargeMinor, money.currency, money.locale)}</td>
    </tr>
  );
  return (
    <tfoot className="border-t-2 border-slate-300 bg-slate-50 font-semibold">
      {subtotal && line(subtotal.label, subtotal.sums, "subtotal", false)}
      {line(label, total, "total", true)}
    </tfoot>
  );
}
