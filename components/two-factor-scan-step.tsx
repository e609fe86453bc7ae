import type { EnrolmentView } from "@/lib/data/two-factor";
import { innerHtml, trustedHtml } from "@/lib/html";
import { fill, type Messages } from "@/lib/i18n/messages";
import { StepHeading } from "./two-factor-forms";

/** "ABCD EFGH IJKL MNOP QRST …" split after its 4th group. */
const halves = (grouped: string): [string, string] => {
  const groups = grouped.split(" ");
  return [groups.slice(0, 4).join(" "), groups.slice(4).join(" ")];
};

/** Enrolment's first step: the QR code of the new secret, and the secret itself to type in by hand. */
export function ScanStep({ tf, enrolment }: { tf: Messages["twoFactor"]; enrolment: EnrolmentView }) {
  const [first, second] = halves(enrolment.secretGrouped);
  return (
    <li className="space-y-4">
      <StepHeading number={1}>{tf.scanStep}</StepHeading>
      <div className="flex flex-col gap-5 sm:flex-row sm:items-start">
        {/* The escape hatch on purpose: the SVG is qrcode's drawing of the otpauth:// URI, paths only, nothing of the user's text. */}
        <div
          role="img"
          aria-label={fill(tf.qrAlt, { email: enrolment.email })}
          className="h-48 w-48 shrink-0 self-center rounded border border-slate-200 p-1 sm:self-start [&>svg]:h-full [&>svg]:w-full"
          data-testid="qr-code"
          dangerouslySetInnerHTML={innerHtml(trustedHtml(enrolment.qrSvg))}
        />
        <div className="min-w-0 space-y-2 text-sm text-slate-700">
          <p>{tf.manualStep}</p>
          {/* Two halves that each stay on one line: 4 + 4 groups on a phone, one line when there is room. */}
          <p className="rounded border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-base text-slate-900" data-testid="totp-secret" aria-label={tf.key}>
            <span className="whitespace-nowrap">{first}</span> <span className="whitespace-nowrap">{second}</span>
          </p>
          <p className="text-xs text-slate-600">{fill(tf.manualDetails, { email: enrolment.email })}</p>
        </div>
      </div>
    </li>
  );
}
