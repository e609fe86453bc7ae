import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { groups } from "@/db/schema";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { scopeOf, type AccountScope, type RoomScope } from "@/lib/auth/scope";
import { privateCaCertificate, sshKeyPair, startFtp, startSftp } from "@/lib/delivery/testing/servers";
import { fill, messages } from "@/lib/i18n/messages";
import { saveScheduleForm, testScheduleDestination } from "./form";
import { parseScheduleForm } from "./validate";

let t: TestDatabase;
let owner: AccountScope;
let roomHolder: RoomScope;
let own: { cardholder: number; group: number };
let foreign: { cardholder: number; owner: number; group: number };
const key = randomBytes(32).toString("hex");
const now = new Date("2026-11-01T10:00:00Z");
const en = { t: messages.en, locale: "en-GB", now, encryptionKey: key };

before(async () => {
  t = await testDatabase();
  const account = await createAccount(t.db, { number: "660001", company: "Form SA" });
  const o = await createUser(t.db, { email: "owner@form.example", name: "Owner", password: "a long password", account: "660001", role: "owner" });
  const holder = await createUser(t.db, { email: "holder@form.example", name: "Holder", password: "a long password" });
  const room = await createRoom(t.db, { account: "660001", number: "661111", cardholder: "holder@form.example" });
  owner = await scopeOf(t.db, { accountId: account.id, userId: o.id, roomId: null });
  roomHolder = await scopeOf(t.db, { accountId: account.id, userId: holder.id, roomId: room.id });
  const [g] = await t.db.insert(groups).values({ accountId: account.id, name: "Sales" }).returning();
  own = { cardholder: holder.id, group: g!.id };

  const other = await createAccount(t.db, { number: "660002", company: "Other SA" });
  const otherOwner = await createUser(t.db, { email: "owner@other.example", name: "Other owner", password: "a long password", account: "660002", role: "owner" });
  await createUser(t.db, { email: "holder@other.example", name: "Other holder", password: "a long password" });
  await createRoom(t.db, { account: "660002", number: "662222", cardholder: "holder@other.example" });
  const [otherHolder] = (await t.db.execute<{ id: string }>(sql`select id from users where email = 'holder@other.example'`)).rows;
  const [og] = await t.db.insert(groups).values({ accountId: other.id, name: "Sales" }).returning();
  foreign = { cardholder: Number(otherHolder!.id), owner: otherOwner.id, group: og!.id };
});
after(() => t.close());

const form = (fields: Record<string, string>) => ({ name: "Usage", report: "type=usage", frequency: "daily", time: "06:00", range: "previous-day", format: "csv", emails: "a@b.example", ...fields });
const errorsOf = (fields: Record<string, string>) => {
  const r = parseScheduleForm(form(fields), { t: messages.en, locale: "en-GB", now, checkReport: (q) => (q.startsWith("type=usage") ? q : null) });
  assert.equal(r.ok, false, `refused: ${JSON.stringify(fields).slice(0, 120)}`);
  return (r as { errors: Record<string, string[]> }).errors;
};
const schedules = async () => Number((await t.db.execute<{ n: string }>(sql`select count(*) as n from report_schedules`)).rows[0]!.n);

test("a choice the form does not offer is refused at its field, never saved as a default", async () => {
  const e = messages.en.schedules.errors;
  assert.deepEqual(errorsOf({ frequency: "hourly" }).frequency, [e.frequency]);
  assert.deepEqual(errorsOf({ frequency: "" }).frequency, [e.frequency]);
  assert.deepEqual(errorsOf({ protocol: "http", host: "files.example.com", user: "u", password: "p" }).protocol, [e.protocol]);
  assert.deepEqual(errorsOf({ format: "pdf" }).format, [e.format]);
  assert.deepEqual(errorsOf({ range: "yesterday" }).range, [e.range]);
  assert.deepEqual(errorsOf({ frequency: "weekly", weekday: "8" }).weekday, [e.weekday]);
  assert.deepEqual(errorsOf({ protocol: "sftp", host: "files.example.com", user: "u", auth: "kerberos", password: "p" }).auth, [e.auth]);
  assert.deepEqual(errorsOf({ report: "type=invoices" }).report, [e.report]);

  // Through the save: nothing is written, whatever the refusal.
  const saved = await saveScheduleForm(owner, null, form({ frequency: "hourly", protocol: "http", host: "files.example.com", user: "u", password: "p" }), en);
  assert.deepEqual(saved, { ok: false, errors: { frequency: [e.frequency], protocol: [e.protocol] } });
  assert.equal(await schedules(), 0);
});

test("control characters (CR, LF, NUL, any C0, DEL) are refused in every text field with the field's message", async () => {
  const e = messages.en.schedules.errors;
  const sftp = { protocol: "sftp", host: "files.example.com", user: "u", password: "p", hostKey: `SHA256:${"A".repeat(43)}` };
  for (const c of ["\r", "\n", "\r\n", "\u0000", "\t", "\u001b", "\u007f"]) {
    const shown = JSON.stringify(c);
    assert.deepEqual(errorsOf({ protocol: "ftp", host: "files.example.com", user: "u", password: `secret${c}DELE report.csv` }).password, [e.password], `password with ${shown}`);
    assert.deepEqual(errorsOf({ name: `Usage${c}Bcc: x@y.example` }).name, [e.name], `name with ${shown}`);
    assert.deepEqual(errorsOf({ ...sftp, user: `u${c}x` }).user, [e.user], `user with ${shown}`);
    assert.deepEqual(errorsOf({ ...sftp, directory: `/in${c}x` }).directory, [e.directory], `directory with ${shown}`);
    assert.ok(errorsOf({ emails: `a@b.example${c}c@d.example` }).emails!.includes(e.emails), `emails with ${shown}`);
    assert.ok(errorsOf({ ...sftp, host: `files${c}.example.com` }).host, `host with ${shown}`);
    assert.deepEqual(errorsOf({ ...sftp, port: `22${c}` }).port, [e.port], `port with ${shown}`);
    assert.deepEqual(errorsOf({ ...sftp, hostKey: `${sftp.hostKey}${c}` }).hostKey, [e.hostKey], `host key with ${shown}`);
    assert.deepEqual(errorsOf({ time: `06:00${c}` }).time, [e.time], `time with ${shown}`);
    assert.deepEqual(errorsOf({ format: `csv${c}` }).format, [e.format], `format with ${shown}`);
  }
  // A host shown back in its message shows the control characters as symbols, not as line breaks.
  assert.deepEqual(errorsOf({ ...sftp, host: "files\r\n.example.com" }).host, ["“files␍␊.example.com” is not a host name or an IP address."]);

  // Pasted keys and certificates are lines: CR LF line ends are fine, NUL or ESC are not.
  const pair = sshKeyPair();
  const keyForm = { ...sftp, auth: "key", password: "" };
  assert.equal(parseScheduleForm(form({ ...keyForm, privateKey: pair.private.replace(/\n/g, "\r\n") }), { t: messages.en, locale: "en-GB", now, checkReport: (q) => q }).ok, true, "a key with CR LF line ends");
  assert.deepEqual(errorsOf({ ...keyForm, privateKey: pair.private.replace("\n", "\n\u0000") }).privateKey, [e.keyInvalid]);
  const { ca } = privateCaCertificate();
  const ftps = { protocol: "ftps", host: "files.example.com", user: "u", password: "p" };
  assert.equal(parseScheduleForm(form({ ...ftps, ca: ca.replace(/\n/g, "\r\n") }), { t: messages.en, locale: "en-GB", now, checkReport: (q) => q }).ok, true, "a CA with CR LF line ends");
  assert.deepEqual(errorsOf({ ...ftps, ca: ca.replace("\n", "\n\u001b") }).ca, [e.ca]);
  assert.deepEqual(errorsOf({ ...ftps, ca: "not a certificate" }).ca, [e.ca]);
  assert.deepEqual(errorsOf({ ...ftps, ca: `${ca}\nsomething else` }).ca, [e.ca], "nothing but certificates");

  const saved = await saveScheduleForm(owner, null, form({ protocol: "ftp", host: "files.example.com", user: "u", password: "secret\r\nDELE report.csv" }), en);
  assert.deepEqual(saved, { ok: false, errors: { password: [e.password] } });
  assert.equal(await schedules(), 0);
});

test("filters naming another account's cardholder, owner or group are refused at save, and nothing is written", async () => {
  const r = messages.en.reports.errors;
  for (const [filter, id, message] of [
    ["cardholder", foreign.cardholder, r.unknownCardholders],
    ["owner", foreign.owner, r.unknownOwners],
    ["group", foreign.group, r.unknownGroups],
  ] as const) {
    const saved = await saveScheduleForm(owner, null, form({ report: `type=activity&${filter}=${id}` }), en);
    assert.deepEqual(saved, { ok: false, errors: { report: [message.replace("{ids}", String(id))] } }, filter);
  }
  const fr = await saveScheduleForm(owner, null, form({ report: `type=activity&cardholder=${foreign.cardholder}` }), { ...en, t: messages.fr });
  assert.deepEqual(fr, { ok: false, errors: { report: [`Ces titulaires ne font pas partie de ce compte : ${foreign.cardholder}.`] } });
  assert.equal(await schedules(), 0, "nothing written");

  // The account's own cardholder and group are fine; editing it to a foreign one is refused and changes nothing.
  const created = await saveScheduleForm(owner, null, form({ report: `type=activity&cardholder=${own.cardholder}&group=${own.group}` }), en);
  assert.ok(created.ok);
  const edited = await saveScheduleForm(owner, created.id, form({ name: "Edited", report: `type=activity&cardholder=${foreign.cardholder}` }), en);
  assert.equal(edited.ok, false);
  const [row] = (await t.db.execute<{ name: string; report_query: string; version: number }>(sql`select name, report_query, version from report_schedules where id = ${created.id}`)).rows;
  assert.deepEqual(row, { name: "Usage", report_query: `type=activity&cardholder=${own.cardholder}&group=${own.group}`, version: 1 });
  await t.db.execute(sql`delete from report_schedules`);
});

test("a room holder's Test upload and save are refused as an unknown schedule: no connection made, nothing written", async () => {
  const sftp = await startSftp({ user: "acct", password: "s3cret" });
  const ftp = await startFtp({ user: "acct", password: "s3cret" });
  try {
    const destination = { protocol: "sftp", host: "127.0.0.1", port: String(sftp.port), directory: "/", user: "acct", auth: "password", password: "s3cret" };
    await assert.rejects(testScheduleDestination(roomHolder, null, destination, { ...en, allowPrivate: true }), { name: "NotFoundError" });
    await assert.rejects(testScheduleDestination(roomHolder, null, { ...destination, protocol: "ftp", port: String(ftp.port) }, { ...en, allowPrivate: true }), { name: "NotFoundError" });
    await assert.rejects(saveScheduleForm(roomHolder, null, form({ ...destination, hostKey: sftp.fingerprint }), en), { name: "NotFoundError" });
    assert.equal(sftp.connections(), 0, "the SFTP server was never reached");
    assert.deepEqual(ftp.logins, [], "nor the FTP one");
    assert.equal(await schedules(), 0);
    // The owner's own test does reach it.
    assert.equal((await testScheduleDestination(owner, null, { ...destination, protocol: "ftp", port: String(ftp.port) }, { ...en, allowPrivate: true })).ok, true);
  } finally {
    await sftp.stop();
    await ftp.stop();
  }
});

test("SFTP: Test upload shows the server's key to accept; saving wants it accepted; a changed key is shown against the accepted one", async () => {
  const sftp = await startSftp({ user: "acct", password: "s3cret" });
  const other = await startSftp({ user: "acct", password: "s3cret" });
  const c = { ...en, allowPrivate: true, timeoutMs: 5_000 };
  const destination = { protocol: "sftp", host: "127.0.0.1", port: String(sftp.port), directory: "/", user: "acct", auth: "password", password: "s3cret" };
  try {
    const first = await testScheduleDestination(owner, null, destination, c);
    assert.deepEqual(first, { ok: false, message: messages.en.schedules.testHostKey, hostKey: { host: "127.0.0.1", offered: sftp.fingerprint, expected: null } });
    assert.deepEqual(sftp.passwords, [], "nothing sent before the key is accepted");

    const refused = await saveScheduleForm(owner, null, form(destination), en);
    assert.deepEqual(refused, { ok: false, errors: { hostKey: [messages.en.schedules.errors.hostKeyRequired] } });

    const accepted = await testScheduleDestination(owner, null, { ...destination, hostKey: sftp.fingerprint }, c);
    assert.equal(accepted.ok, true);
    assert.deepEqual(sftp.passwords, ["s3cret"]);
    assert.deepEqual(readdirSync(sftp.root), [], "the test file was removed");

    const saved = await saveScheduleForm(owner, null, form({ ...destination, hostKey: sftp.fingerprint }), en);
    assert.ok(saved.ok);
    const [row] = (await t.db.execute<{ upload_host_key: string }>(sql`select upload_host_key from report_schedules where id = ${saved.id}`)).rows;
    assert.equal(row!.upload_host_key, sftp.fingerprint);

    // Edited to the other server's port, password kept: its key is shown against the accepted one, the stored password is not sent.
    const changed = await testScheduleDestination(owner, saved.id, { ...destination, port: String(other.port), password: "", hostKey: sftp.fingerprint }, c);
    assert.equal(changed.ok, false);
    assert.equal("errors" in changed, true, "the stored password does not follow to another port");
    const moved = await testScheduleDestination(owner, saved.id, { ...destination, port: String(other.port), hostKey: sftp.fingerprint }, c);
    assert.deepEqual(moved, { ok: false, message: messages.en.schedules.testHostKey, hostKey: { host: "127.0.0.1", offered: other.fingerprint, expected: sftp.fingerprint } });
    assert.deepEqual(other.passwords, []);
  } finally {
    await t.db.execute(sql`delete from report_schedules`);
    await sftp.stop();
    await other.stop();
  }
});

test("a failed Test upload says what went wrong in the customer's words, in the UI's language; the server's text folded as detail", async () => {
  const ftp = await startFtp({ user: "acct", password: "s3cret" });
  const destination = { protocol: "ftp", host: "127.0.0.1", port: String(ftp.port), directory: "/", user: "acct", password: "wrong" };
  try {
    const en1 = await testScheduleDestination(owner, null, destination, { ...en, allowPrivate: true });
    assert.equal((en1 as { message: string }).message, "Test upload failed: The FTP server refused the user name or password. Check them in the schedule.");
    assert.match((en1 as { detail: string }).detail, /530/);
    const fr1 = await testScheduleDestination(owner, null, destination, { ...en, t: messages.fr, allowPrivate: true });
    const frWords = messages.fr.schedules;
    assert.equal((fr1 as { message: string }).message, fill(frWords.testFailed, { reason: fill(frWords.runHistory.problems.auth, { protocol: "FTP" }) }));
    assert.match((fr1 as { message: string }).message, /^Le dépôt de test a échoué\u202f: Le serveur FTP a refusé/);
  } finally {
    await ftp.stop();
  }
});

test("FTPS: the private CA pasted in the form is saved with the destination and used by Test upload", async () => {
  const pki = privateCaCertificate();
  const ftp = await startFtp({ user: "acct", password: "s3cret", tls: { key: pki.key, cert: pki.cert } });
  const destination = { protocol: "ftps", host: "127.0.0.1", port: String(ftp.port), directory: "/", user: "acct", password: "s3cret" };
  try {
    const untrusted = await testScheduleDestination(owner, null, destination, { ...en, allowPrivate: true });
    assert.equal(untrusted.ok, false);
    assert.match((untrusted as { message: string }).message, /certificate/i);
    assert.equal((await testScheduleDestination(owner, null, { ...destination, ca: pki.ca }, { ...en, allowPrivate: true })).ok, true);
    const saved = await saveScheduleForm(owner, null, form({ ...destination, ca: pki.ca }), en);
    assert.ok(saved.ok);
    const [row] = (await t.db.execute<{ upload_ca: string }>(sql`select upload_ca from report_schedules where id = ${saved.id}`)).rows;
    assert.equal(row!.upload_ca, pki.ca);
  } finally {
    await t.db.execute(sql`delete from report_schedules`);
    await ftp.stop();
  }
});
