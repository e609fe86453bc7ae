import type { Account, Budget, BudgetAlert } from "@/db/schema";
import type { Mail } from "@/lib/delivery/mail";
import { formatDateTime, formatMoney, formatPercent, formatRoomNumber } from "@/lib/format";
import { html } from "@/lib/html";
import { fill, messages, type Messages } from "@/lib/i18n/messages";
import { periodInSentence, periodLabel } from "@/lib/periods";
import { unsubscribeToken, unsubscribeUrls } from "@/lib/schedules/unsubscribe";

/** What an alert e-mail names: its budget, the account, a room budget's room and holder; and the account's owners (lower-cased). */
export type AlertMailContext = { budget: Budget; account: Account; roomNumber: string | null; holderName: string | null; owners: string[] };

const languageOf = (locale: string): Messages => messages[locale.toLowerCase().startsWith("fr") ? "fr" : "en"];

/** The budget's target as an alert's words fill it: room, holder, code and account. */
function targetValues(c: AlertMailContext) {
  return { room: formatRoomNumber(c.roomNumber ?? ""), cardholder: c.holderName ?? "", code: c.budget.billingCode ?? "", account: `${c.account.companyName} (${c.account.number})` };
}

/**
 * An alert's e-mail to one address, in the account's language: what reached which threshold in
 * which month, the figures as they were when it was crossed, a link to the alerts page, and the
 * unsubscribe link and RFC 8058 headers of every e-mail of the account.
 */
export function alertMail(s: { appUrl: string; encryptionKey: string }, alert: BudgetAlert, c: AlertMailContext, address: string): Omit<Mail, "messageId"> {
  const t = languageOf(c.account.locale);
  const m = t.alerts.mail;
  const { locale, currency, timeZone } = c.account;
  const values = targetValues(c);
  const percent = formatPercent(alert.spentMinor, alert.amountMinor, locale);
  const period = periodInSentence(alert.period, locale);
  const intro = fill(alert.threshold === 100 ? m.intro100 : m.intro80, { what: fill(m.what[c.budget.target], values), period });
  const figures: [string, string][] = [
    [m.budget, formatMoney(alert.amountMinor, currency, locale)],
    [m.spent, formatMoney(alert.spentMinor, currency, locale)],
    [m.used, percent],
    [m.period, periodLabel(alert.period, locale)],
    [m.checkedAt, formatDateTime(alert.createdAt, timeZone, locale)],
  ];
  // A room's holder cannot open the owner's alerts page: their link is their room's.
  const forOwner = c.owners.includes(address);
  const pageUrl = forOwner ? `${s.appUrl}/account/alerts` : `${s.appUrl}/rooms/${c.roomNumber}`;
  const linkText = forOwner ? m.link : m.roomLink;
  const urls = unsubscribeUrls(s.appUrl, unsubscribeToken(s.encryptionKey, c.account.id, address));
  const footer = fill(m.unsubscribe, { address, account: values.account, url: urls.page });
  const label = (text: string) => (t.lang === "fr" ? `${text}\u202f:` : `${text}:`);
  const text = [intro, "", ...figures.map(([k, v]) => `${label(k)} ${v}`), "", m.once, "", `${linkText}: ${pageUrl}`, "", "--", footer, ""].join("\n");
  const cell = "padding:6px 12px;border-bottom:1px solid #e2e8f0";
  const body = html`<!doctype html><html lang="${t.lang}"><body style="margin:0;background:#f8fafc;font-family:Arial,Helvetica,sans-serif;color:#0f172a">
<div style="max-width:560px;margin:0 auto;padding:24px 16px">
<p style="margin:0 0 16px;font-size:16px;line-height:1.5">${intro}</p>
<table role="presentation" style="border-collapse:collapse;width:100%;background:#fff;border:1px solid #e2e8f0;font-size:15px">
${figures.map(([k, v]) => html`<tr><th scope="row" style="${cell};text-align:left;font-weight:normal;color:#475569">${k}</th><td style="${cell};text-align:right;font-weight:bold">${v}</td></tr>`)}
</table>
<p style="margin:16px 0;font-size:14px;line-height:1.5;color:#334155">${m.once}</p>
<p style="margin:24px 0"><a href="${pageUrl}" style="display:inline-block;background:#13406e;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none;font-weight:bold">${linkText}</a></p>
<hr style="border:0;border-top:1px solid #e2e8f0">
<p style="color:#555;font-size:12px;line-height:1.5">${fill(m.unsubscribe, { address, account: values.account, url: "" })}<a href="${urls.page}" style="color:#13406e;overflow-wrap:anywhere;word-break:break-all">${urls.page}</a></p>
</div></body></html>`;
  return {
    to: address,
    subject: fill(alert.threshold === 100 ? m.subject100 : m.subject80, { percent, period, short: fill(m.short[c.budget.target], values) }),
    text,
    html: body.text,
    unsubscribeUrl: urls.oneClick,
  };
}
