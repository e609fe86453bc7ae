import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { isPrivateAddress, PrivateAddressError, resolveDestination } from "./address-guard";
import { createServer, type Server } from "node:net";
import { messages } from "@/lib/i18n/messages";
import { deliveryNote } from "@/lib/schedules/run-display";
import { DeliveryError, deliveryProblem } from "./errors";
import { sendMail } from "./mail";
import { privateCaCertificate, selfSignedCertificate, sshKeyPair, startFtp, startSftp, startSmtp } from "./testing/servers";
import { HOST_KEY_FINGERPRINT, HostKeyError, HostKeyMissingError } from "./host-key";
import { testUpload, uploadReport, type UploadDestination } from "./upload";

const open = { allowPrivate: true, timeoutMs: 5_000 };
let dataDir: string;

before(() => (dataDir = mkdtempSync(path.join(tmpdir(), "delivery-"))));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test("private, loopback and link-local addresses are refused unless allowed", async () => {
  for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"]) assert.ok(isPrivateAddress(a), a);
  for (const a of ["8.8.8.8", "193.51.24.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) assert.ok(!isPrivateAddress(a), a);
  await assert.rejects(resolveDestination("localhost", false), (e: unknown) => e instanceof DeliveryError && e.kind === "permanent" && /private, loopback or link-local/.test(e.message));
  await assert.rejects(resolveDestination("127.0.0.1", false), /127\.0\.0\.1/);
  assert.equal(await resolveDestination("127.0.0.1", true), "127.0.0.1");
});

test("IPv4 inside IPv6, 0.0.0.0/8, reserved ranges and this machine's own addresses are refused", async () => {
  // IPv4-compatible (::a.b.c.d, how inet_pton reads it) and IPv4-mapped forms of loopback and of 0/8.
  for (const a of ["::7f00:1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:1", "::8.8.8.8", "0.1.2.3", "0.255.255.255", "::ffff:0.0.0.1"]) assert.ok(isPrivateAddress(a), a);
  // Documentation, benchmarking, NAT64, 6to4, Teredo: never a customer's server.
  for (const a of ["192.0.2.2", "198.51.100.7", "203.0.113.9", "198.18.0.1", "64:ff9b::808:808", "2002:7f00:1::1", "2001::1", "2001:db8::1"]) assert.ok(isPrivateAddress(a), a);
  for (const a of ["not-an-address", "", "1.2.3"]) assert.ok(isPrivateAddress(a), `"${a}" is not an address`);
  // Every address of this machine's interfaces, whatever its range, in either notation.
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      assert.ok(isPrivateAddress(i.address), `own address ${i.address}`);
      if (i.family === "IPv4") assert.ok(isPrivateAddress(`::ffff:${i.address}`), `own address ::ffff:${i.address}`);
      await assert.rejects(resolveDestination(i.address, false), PrivateAddressError, `own address ${i.address}`);
    }
  }
  // A public address is refused once it is one of ours.
  assert.ok(!isPrivateAddress("8.8.4.4", []));
  assert.ok(isPrivateAddress("8.8.4.4", ["8.8.4.4"]));
  assert.ok(isPrivateAddress("::ffff:8.8.4.4", ["8.8.4.4"]));
  assert.ok(isPrivateAddress("2001:4860:4860:0::8844", ["2001:4860:4860:0:0:0:0:8844"]));
});

test("SFTP to a loopback address is refused before any connection", async () => {
  const sftp = await startSftp({ user: "u", password: "p" });
  try {
    await assert.rejects(uploadReport({ protocol: "sftp", host: "127.0.0.1", port: sftp.port, directory: "/", user: "u", auth: "password", secret: "p" }, { bytes: Buffer.from("x") }, "r.csv", { allowPrivate: false }), /private/);
    assert.equal(sftp.authAttempts(), 0, "the server was never reached");
  } finally {
    await sftp.stop();
  }
});

test("an e-mail is delivered through SMTP with the report attached and the RFC 8058 headers", async () => {
  const smtp = await startSmtp();
  try {
    const file = path.join(dataDir, "report.csv");
    (await import("node:fs")).writeFileSync(file, "a,b\n1,2\n");
    await sendMail({ smtpUrl: smtp.url, mailFrom: "reports@portal.example", dataDir }, { to: "Jane@Example.com", subject: "Usage", text: "See attached. Unsubscribe: https://x/u", html: "<p>See attached.</p>", unsubscribeUrl: "https://portal.example/api/unsubscribe?t=abc", attachment: { filename: "usage.csv", path: file } });
    assert.equal(smtp.received.length, 1);
    const raw = smtp.received[0]!.raw;
    assert.deepEqual(smtp.received[0]!.to, ["Jane@example.com"], "the domain is case-insensitive, the local part kept");
    assert.match(raw, /^List-Unsubscribe: <https:\/\/portal\.example\/api\/unsubscribe\?t=abc>/m);
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    assert.match(raw, /filename=usage\.csv/);
    assert.ok(raw.includes(Buffer.from("a,b\n1,2\n").toString("base64")) || raw.includes("a,b"), "the attachment's content");
  } finally {
    await smtp.stop();
  }
});

test("SMTP answers are classified: 451 is transient, 550 permanent, a closed port transient", async () => {
  const busy = await startSmtp({ failFirst: 1 });
  const refusing = await startSmtp({ rejectWith: 550 });
  const settings = (url: string) => ({ smtpUrl: url, mailFrom: "r@p.example", dataDir });
  const mail = { to: "a@b.example", subject: "s", text: "t", html: "<p>t</p>" };
  try {
    await assert.rejects(sendMail(settings(busy.url), mail), (e: unknown) => e instanceof DeliveryError && e.kind === "transient" && e.code === "451");
    await sendMail(settings(busy.url), mail);
    assert.equal(busy.received.length, 1);
    await assert.rejects(sendMail(settings(refusing.url), mail), (e: unknown) => e instanceof DeliveryError && e.kind === "permanent" && e.code === "550");
    const closedPort = refusing.url.replace(/:\d+$/, ":1");
    await assert.rejects(sendMail(settings(closedPort), mail), (e: unknown) => e instanceof DeliveryError && e.kind === "transient");
  } finally {
    await busy.stop();
    await refusing.stop();
  }
});

test("without SMTP_URL the message is written as an .eml file in DATA_DIR/outbox", async () => {
  const { file } = await sendMail({ smtpUrl: undefined, mailFrom: "r@p.example", dataDir }, { to: "a@b.example", subject: "Outbox", text: "hello", html: "<p>hello</p>", unsubscribeUrl: "https://p.example/u" });
  assert.ok(file);
  assert.deepEqual(readdirSync(path.join(dataDir, "outbox")).filter((f) => f.endsWith(".part")), []);
  const eml = readFileSync(file, "utf8");
  assert.match(eml, /^Subject: Outbox$/m);
  assert.match(eml, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
});

test("FTP: uploaded under a temporary name then renamed; a second upload replaces it; Test upload leaves nothing", async () => {
  const ftp = await startFtp({ user: "acct", password: "s3cret" });
  const d: UploadDestination = { protocol: "ftp", host: "127.0.0.1", port: ftp.port, directory: "/", user: "acct", auth: "password", secret: "s3cret" };
  try {
    await uploadReport(d, { bytes: Buffer.from("first") }, "usage.csv", open);
    await uploadReport(d, { bytes: Buffer.from("second,report") }, "usage.csv", open);
    assert.deepEqual(readdirSync(ftp.root), ["usage.csv"]);
    assert.equal(readFileSync(path.join(ftp.root, "usage.csv"), "utf8"), "second,report");
    await testUpload(d, open);
    assert.deepEqual(readdirSync(ftp.root), ["usage.csv"]);
    await assert.rejects(uploadReport({ ...d, secret: "wrong" }, { bytes: Buffer.from("x") }, "x.csv", open), (e: unknown) => e instanceof DeliveryError && e.kind === "permanent");
  } finally {
    await ftp.stop();
  }
});

test("FTPS: explicit TLS with the server's certificate checked", async () => {
  const certificate = selfSignedCertificate();
  const ftp = await startFtp({ user: "acct", password: "s3cret", tls: certificate });
  const d: UploadDestination = { protocol: "ftps", host: "127.0.0.1", port: ftp.port, directory: "/", user: "acct", auth: "password", secret: "s3cret" };
  try {
    await uploadReport({ ...d, ca: certificate.cert }, { bytes: Buffer.from("over tls") }, "usage.html", open);
    assert.equal(readFileSync(path.join(ftp.root, "usage.html"), "utf8"), "over tls");
    await assert.rejects(uploadReport(d, { bytes: Buffer.from("x") }, "x.html", open), /certificate/i, "an untrusted certificate is refused");
  } finally {
    await ftp.stop();
  }
});

test("SFTP with a password and with a private key; a wrong password is a permanent failure after one attempt", async () => {
  const keys = sshKeyPair();
  const sftp = await startSftp({ user: "acct", password: "s3cret", publicKey: keys.public });
  const d: UploadDestination = { protocol: "sftp", host: "127.0.0.1", port: sftp.port, directory: "/", user: "acct", auth: "password", secret: "s3cret", hostKey: sftp.fingerprint };
  try {
    await uploadReport(d, { bytes: Buffer.from("one") }, "usage.xlsx", open);
    await uploadReport({ ...d, auth: "key", secret: keys.private }, { bytes: Buffer.from("two") }, "usage.xlsx", open);
    assert.deepEqual(readdirSync(sftp.root), ["usage.xlsx"]);
    assert.equal(readFileSync(path.join(sftp.root, "usage.xlsx"), "utf8"), "two");
    await testUpload(d, open);
    assert.deepEqual(readdirSync(sftp.root), ["usage.xlsx"]);
    const before = sftp.authAttempts();
    await assert.rejects(uploadReport({ ...d, secret: "wrong" }, { bytes: Buffer.from("x") }, "x.xlsx", open), (e: unknown) => e instanceof DeliveryError && e.kind === "permanent" && e.code === "auth");
    assert.ok(sftp.authAttempts() - before <= 2, "one connection, no retry loop");
  } finally {
    await sftp.stop();
  }
});

test("SFTP host key pinned: Test upload shows the OpenSSH fingerprint; a server with another key gets no password", async () => {
  const keys = sshKeyPair();
  const genuine = await startSftp({ user: "acct", password: "s3cret", publicKey: keys.public });
  // Another server on the same machine with another host key, that would accept the same login.
  const impostor = await startSftp({ user: "acct", password: "s3cret", publicKey: keys.public });
  const d: UploadDestination = { protocol: "sftp", host: "127.0.0.1", port: genuine.port, directory: "/", user: "acct", auth: "password", secret: "s3cret" };
  const genuineKey = genuine.fingerprint;
  const impostorKey = impostor.fingerprint;
  assert.notEqual(genuineKey, impostorKey);
  try {
    // First use: the key is shown, nothing is sent.
    await assert.rejects(testUpload(d, open), (e: unknown) => e instanceof HostKeyError && e.code === "host-key-unknown" && e.offered === genuineKey && e.expected === null);
    assert.match(genuineKey, HOST_KEY_FINGERPRINT);
    assert.equal(genuine.connections(), 1, "Test upload connected once, to read the key");
    assert.equal(genuine.authAttempts(), 0, "no password before the key is accepted");

    // Accepted: the test and deliveries go through.
    await testUpload({ ...d, hostKey: genuineKey }, open);
    await uploadReport({ ...d, hostKey: genuineKey }, { bytes: Buffer.from("report") }, "usage.csv", open);
    assert.deepEqual(genuine.passwords, ["s3cret", "s3cret"]);
    assert.deepEqual(readdirSync(genuine.root), ["usage.csv"]);

    // The destination now answers with another key (a moved DNS name, a man in the middle): refused, with both keys named.
    for (const auth of [{ auth: "password" as const, secret: "s3cret" }, { auth: "key" as const, secret: keys.private }]) {
      await assert.rejects(uploadReport({ ...d, ...auth, port: impostor.port, hostKey: genuineKey }, { bytes: Buffer.from("report") }, "usage.csv", open), (e: unknown) => {
        assert.ok(e instanceof HostKeyError && e.kind === "permanent", String(e));
        assert.equal(e.code, "host-key-changed");
        assert.equal(e.offered, impostorKey);
        assert.equal(e.expected, genuineKey);
        assert.match(e.message, new RegExp(`${impostorKey.replace(/[+/]/g, "\\$&")}.*not the accepted ${genuineKey.replace(/[+/]/g, "\\$&")}`));
        return true;
      });
    }
    assert.equal(impostor.authAttempts(), 0, "neither the password nor a key signature reached the other server");
    assert.deepEqual(impostor.passwords, []);
    assert.deepEqual(readdirSync(impostor.root), []);

    // Saved before keys were pinned: a delivery does not even connect.
    const before = impostor.connections();
    await assert.rejects(uploadReport({ ...d, port: impostor.port, hostKey: null }, { bytes: Buffer.from("x") }, "x.csv", open), (e: unknown) => e instanceof HostKeyMissingError && e.kind === "permanent" && e.code === "host-key-missing");
    assert.equal(impostor.connections(), before, "no connection without an accepted key");
  } finally {
    await genuine.stop();
    await impostor.stop();
  }
});

test("SFTP uploads are written rw-r--r-- (0644), as OpenSSH's sftp writes them, not 0666", async () => {
  const sftp = await startSftp({ user: "acct", password: "s3cret" });
  const d: UploadDestination = { protocol: "sftp", host: "127.0.0.1", port: sftp.port, directory: "/", user: "acct", auth: "password", secret: "s3cret", hostKey: sftp.fingerprint };
  try {
    await uploadReport(d, { bytes: Buffer.from("a,b\n") }, "usage.csv", open);
    await uploadReport(d, { path: path.join(import.meta.dirname, "errors.ts") }, "from-file.csv", open);
    for (const name of ["usage.csv", "from-file.csv"]) assert.equal((statSync(path.join(sftp.root, name)).mode & 0o777).toString(8), "644", name);
  } finally {
    await sftp.stop();
  }
});

test("FTPS trusts the private CA given with the destination, and only for that destination", async () => {
  const pki = privateCaCertificate();
  const other = privateCaCertificate();
  const ftp = await startFtp({ user: "acct", password: "s3cret", tls: { key: pki.key, cert: pki.cert } });
  const d: UploadDestination = { protocol: "ftps", host: "127.0.0.1", port: ftp.port, directory: "/", user: "acct", auth: "password", secret: "s3cret" };
  try {
    await uploadReport({ ...d, ca: pki.ca }, { bytes: Buffer.from("signed by our CA") }, "usage.csv", open);
    assert.equal(readFileSync(path.join(ftp.root, "usage.csv"), "utf8"), "signed by our CA");
    await assert.rejects(uploadReport(d, { bytes: Buffer.from("x") }, "x.csv", open), /certificate/i, "without the CA: not a publicly trusted certificate");
    await assert.rejects(uploadReport({ ...d, ca: other.ca }, { bytes: Buffer.from("x") }, "x.csv", open), /certificate|signature/i, "another private CA does not do");
    assert.deepEqual(ftp.logins, ["acct"], "the password went to the verified server only");
  } finally {
    await ftp.stop();
  }
});

/** How the history words a failure of `attempt` at `destination`, in English and French, as runs.ts records it. */
async function worded(attempt: Promise<unknown>, destination: string) {
  const error = await attempt.then(
    () => assert.fail(`${destination}: delivered`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DeliveryError, String(error));
  const channel = destination.startsWith("mail:") ? "mail" : "upload";
  const d = { destination, status: "failed", attempts: 1, detail: error.message, details: { problem: deliveryProblem(error, channel) } };
  return { problem: d.details.problem, kind: error.kind, en: deliveryNote(d, messages.en.schedules, { lang: "en", locale: "en" }), fr: deliveryNote(d, messages.fr.schedules, { lang: "fr", locale: "fr" }), detail: error.message };
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, stop: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }) };
}

test("every upload failure, from real servers on loopback, is worded for the customer in English and French", async () => {
  const sftp = await startSftp({ user: "acct", password: "s3cret" });
  const readOnly = await startSftp({ user: "acct", password: "s3cret", readOnly: true });
  const ftp = await startFtp({ user: "acct", password: "s3cret" });
  const full = await startFtp({ user: "acct", password: "s3cret", diskFull: true });
  const certificate = selfSignedCertificate();
  const ftps = await startFtp({ user: "acct", password: "s3cret", tls: certificate });
  const silent = await silentServer();
  const quick = { allowPrivate: true, timeoutMs: 700 };
  const file = { bytes: Buffer.from("a,b\n") };
  const sftpTo = (port: number, extra: Partial<UploadDestination> = {}): UploadDestination => ({ protocol: "sftp", host: "127.0.0.1", port, directory: "/", user: "acct", auth: "password", secret: "s3cret", hostKey: sftp.fingerprint, ...extra });
  const ftpTo = (port: number, extra: Partial<UploadDestination> = {}): UploadDestination => ({ protocol: "ftp", host: "127.0.0.1", port, directory: "/", user: "acct", auth: "password", secret: "s3cret", ...extra });
  try {
    const auth = await worded(uploadReport(sftpTo(sftp.port, { secret: "wrong" }), file, "r.csv", open), `sftp://acct@127.0.0.1:${sftp.port}/`);
    assert.deepEqual([auth.problem, auth.kind], ["auth", "permanent"]);
    assert.equal(auth.en, "The SFTP server refused the user name or password. Check them in the schedule.");
    assert.equal(auth.fr, "Le serveur SFTP a refusé le nom d'utilisateur ou le mot de passe. Vérifiez-les dans la programmation.");
    assert.match(auth.detail, /All configured authentication methods failed/, "the driver's text is kept, for the folded detail");
    const ftpAuth = await worded(uploadReport(ftpTo(ftp.port, { secret: "wrong" }), file, "r.csv", open), `ftp://acct@127.0.0.1:${ftp.port}/`);
    assert.deepEqual([ftpAuth.problem, ftpAuth.kind, ftpAuth.en], ["auth", "permanent", "The FTP server refused the user name or password. Check them in the schedule."]);

    const closed = await silentServer();
    await closed.stop(); // a port where nothing listens any more
    const refused = await worded(uploadReport(sftpTo(closed.port), file, "r.csv", open), `sftp://acct@127.0.0.1:${closed.port}/`);
    assert.deepEqual([refused.problem, refused.kind], ["refused", "transient"]);
    assert.equal(refused.en, "127.0.0.1 refused the connection: no SFTP server answers on that port. Check the host and the port in the schedule.");
    assert.equal(refused.fr, "127.0.0.1 a refusé la connexion : aucun serveur SFTP ne répond sur ce port. Vérifiez l'hôte et le port dans la programmation.");
    assert.equal((await worded(uploadReport(ftpTo(closed.port), file, "r.csv", open), `ftp://acct@127.0.0.1:${closed.port}/`)).problem, "refused");

    const timeout = await worded(uploadReport(sftpTo(silent.port), file, "r.csv", quick), `sftp://acct@127.0.0.1:${silent.port}/`);
    assert.deepEqual([timeout.problem, timeout.kind, timeout.en], ["timeout", "transient", "127.0.0.1 did not answer in time."]);
    assert.equal(timeout.fr, "127.0.0.1 n'a pas répondu à temps.");

    const dns = await worded(uploadReport(sftpTo(22, { host: "no-such-host.invalid" }), file, "r.csv", open), "sftp://acct@no-such-host.invalid:22/");
    assert.deepEqual([dns.problem, dns.en], ["dns", "The server name no-such-host.invalid could not be found. Check the host in the schedule."]);

    const denied = await worded(uploadReport(sftpTo(readOnly.port, { hostKey: readOnly.fingerprint, directory: "/out" }), file, "r.csv", open), `sftp://acct@127.0.0.1:${readOnly.port}/out`);
    assert.deepEqual([denied.problem, denied.kind], ["permission", "permanent"]);
    assert.equal(denied.en, "The SFTP server does not allow acct to write in /out. Check the directory, and the user's rights on the server.");
    assert.equal(denied.fr, "Le serveur SFTP n'autorise pas acct à écrire dans /out. Vérifiez le répertoire et les droits de l'utilisateur sur le serveur.");

    const missing = await worded(uploadReport(sftpTo(sftp.port, { directory: "/missing" }), file, "r.csv", open), `sftp://acct@127.0.0.1:${sftp.port}/missing`);
    assert.deepEqual([missing.problem, missing.en], ["no-directory", "The directory /missing does not exist on the SFTP server. Check the directory in the schedule."]);

    const diskFull = await worded(uploadReport(ftpTo(full.port), file, "r.csv", open), `ftp://acct@127.0.0.1:${full.port}/`);
    assert.deepEqual([diskFull.problem, diskFull.en], ["disk-full", "The FTP server has no space left: nothing was written. Free some space on the server."]);
    assert.match(diskFull.detail, /ENOSPC|no space/i);

    const tls = await worded(uploadReport(ftpTo(ftps.port, { protocol: "ftps" }), file, "r.csv", open), `ftps://acct@127.0.0.1:${ftps.port}/`);
    assert.deepEqual([tls.problem, tls.kind], ["tls", "permanent"]);
    assert.match(tls.en, /^The FTPS server's certificate could not be verified, so nothing was sent\./);

    const inside = await worded(uploadReport(sftpTo(sftp.port), file, "r.csv", { allowPrivate: false }), `sftp://acct@127.0.0.1:${sftp.port}/`);
    assert.deepEqual([inside.problem, inside.en], ["private-address", "127.0.0.1 is a private address: reports are not delivered inside the provider's network. Use the server's public name or address."]);
  } finally {
    await Promise.all([sftp.stop(), readOnly.stop(), ftp.stop(), full.stop(), ftps.stop(), silent.stop()]);
  }
});

test("SMTP answers are worded for the customer: busy, mailbox full, address refused, our mail service down", async () => {
  const busy = await startSmtp({ failFirst: 1 });
  const full = await startSmtp({ rejectWith: 452, text: "4.2.2 Insufficient system storage" });
  const refusing = await startSmtp({ rejectWith: 550, text: "5.1.1 No such user here" });
  const settings = (url: string) => ({ smtpUrl: url, mailFrom: "r@p.example", dataDir });
  const mail = { to: "jane@client.example", subject: "s", text: "t", html: "<p>t</p>" };
  const to = "mail:jane@client.example";
  try {
    const later = await worded(sendMail(settings(busy.url), mail), to);
    assert.deepEqual([later.problem, later.kind, later.en], ["mail-busy", "transient", "The recipient's mail server asked us to try again later."]);
    const mailbox = await worded(sendMail(settings(full.url), mail), to);
    assert.deepEqual([mailbox.problem, mailbox.en, mailbox.fr], ["mailbox-full", "The recipient's mailbox is full.", "La boîte aux lettres du destinataire est pleine."]);
    const refused = await worded(sendMail(settings(refusing.url), mail), to);
    assert.deepEqual([refused.problem, refused.kind, refused.en], ["recipient-refused", "permanent", "The recipient's mail server refused this address. Check the address in the schedule."]);
    assert.match(refused.detail, /550.*No such user/);
    const down = await worded(sendMail(settings(refusing.url.replace(/:\d+$/, ":1")), mail), to);
    assert.deepEqual([down.problem, down.kind, down.en], ["mail-service", "transient", "Our mail service could not send the e-mail."]);
  } finally {
    await Promise.all([busy.stop(), full.stop(), refusing.stop()]);
  }
});

test("a history written before failures had kinds is worded from its stored text", () => {
  const old = (destination: string, detail: string) => deliveryNote({ destination, status: "failed", attempts: 1, detail, details: null }, messages.en.schedules, { lang: "en", locale: "en" });
  assert.equal(old("sftp://acct@files.example.com:22/in", "SFTP files.example.com: getConnection: All configured authentication methods failed"), "The SFTP server refused the user name or password. Check them in the schedule.");
  assert.equal(old("ftp://acct@files.example.com:21/in", "FTP files.example.com: connect ECONNREFUSED 203.0.113.7:21"), "files.example.com refused the connection: no FTP server answers on that port. Check the host and the port in the schedule.");
  assert.equal(old("mail:a@client.example", "SMTP to a@client.example: Message failed: 550 5.1.1 No such user"), "The recipient's mail server refused this address. Check the address in the schedule.");
  assert.equal(old("sftp://acct@files.example.com:22/in", "something no rule knows"), "The delivery failed.");
});
