import { formatDuration, formatMoney } from "@/lib/format";

type Props = {
  label: string;
  /** Columns before the duration. */
  span: number;
  total: { durationS: number; chargeMinor: number };
  money: { currency: string; locale: string };
};

/** The Total line of a usage table: the sums of the lines above it, duration then charge. */
export function TotalRow({ label, span, total, money }: Props) {
  return (
    <tfoot className="border-t-2 border-slate-300 bg-slate-50 font-semibold">
      <tr data-testid="total">
        <th scope="row" colSpan={span} className="px-3 py-2.5 text-right">
          {label}
        </th>
        <td className="num px-3 py-2.5 text-right">{formatDuration(total.durationS)}</td>
        <td className="num px-3 py-2.5 text-right">{formatMoney(total.chargeMinor, money.currency, money.locale)}</td>
      </tr>
    </tfoot>
  );
}
