import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { classify } from "./errors";

export type MailSettings = { smtpUrl: string | undefined; mailFrom: string; dataDir: string };

export type Mail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 8058: the URL a mail client POSTs `List-Unsubscribe=One-Click` to. */
  unsubscribeUrl?: string;
  attachment?: { filename: string; path: string; contentType?: string };
  /** The same for every attempt at one message, so a receiving system can drop a duplicate. */
  messageId?: string;
};

const transports = new Map<string, Transporter>();

function smtp(url: string): Transporter {
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(url, transport);
  }
  return transport;
}

/**
 * Sends one message through SMTP_URL, or, without it, writes it as an .eml file into
 * DATA_DIR/outbox/ (written under a temporary name, then renamed, so a reader never sees half).
 * Failures come back classified: SMTP 4xx and network errors are transient, 5xx permanent.
 */
export async function sendMail(settings: MailSettings, mail: Mail): Promise<{ messageId: string; file?: string }> {
  const message = {
    from: settings.mailFrom,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.unsubscribeUrl
      ? { list: { unsubscribe: { url: mail.unsubscribeUrl, comment: "Unsubscribe" } }, headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } }
      : {}),
    attachments: mail.attachment ? [mail.attachment] : [],
  };
  if (settings.smtpUrl) {
    try {
      const info = await smtp(settings.smtpUrl).sendMail(message);
      return { messageId: info.messageId };
    } catch (error) {
      throw classify(error, `SMTP to ${mail.to}`);
    }
  }
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }).sendMail(message);
  const outbox = path.join(settings.dataDir, "outbox");
  await mkdir(outbox, { recursive: true });
  const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.eml`;
  const file = path.join(outbox, name);
  await writeFile(`${file}.part`, info.message as Buffer);
  await rename(`${file}.part`, file);
  return { messageId: info.messageId, file };
}
