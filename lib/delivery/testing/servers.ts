/**
 * Real protocol servers on 127.0.0.1 for the delivery tests: SMTP (smtp-server), FTP/FTPS
 * (ftp-srv) and SFTP (ssh2's Server over a temporary directory). Each listens on a free port and
 * records what it received.
 */
import { execFileSync } from "node:child_process";
import { closeSync, createWriteStream, fchmodSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { timingSafeEqual } from "node:crypto";
import FtpSrv, { FileSystem } from "ftp-srv";
import { SMTPServer } from "smtp-server";
import ssh2, { type AuthContext, type SFTPWrapper } from "ssh2";

const { Server: SshServer, utils: sshUtils } = ssh2;

type ReceivedMail = { from: string; to: string[]; raw: string };

/** An SMTP server that answers `failFirst` deliveries with 451 (try again later), then accepts; or rejects each with `rejectWith` and its `text`. */
export async function startSmtp(options: { failFirst?: number; rejectWith?: number; text?: string } = {}) {
  const received: ReceivedMail[] = [];
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        attempts++;
        if (options.rejectWith) return callback(Object.assign(new Error(options.text ?? "Mailbox unavailable"), { responseCode: options.rejectWith }));
        if (attempts <= (options.failFirst ?? 0)) return callback(Object.assign(new Error("Try again later"), { responseCode: 451 }));
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts: () => attempts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A self-signed certificate for 127.0.0.1 (Debian's openssl), for FTPS. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    return { key: readFileSync(path.join(dir, "key.pem"), "utf8"), cert: readFileSync(path.join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A private certificate authority and a certificate for 127.0.0.1 that it signed (Debian's
 * openssl), for FTPS against a CA that no public store knows.
 */
export function privateCaCertificate(): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "ca-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  try {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Portal Test Private CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", file("ca.key"), "-out", file("ca.pem"));
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", file("key.pem"), "-out", file("server.csr"));
    writeFileSync(file("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("ext.cnf"), "-out", file("cert.pem"));
    return { ca: readFileSync(file("ca.pem"), "utf8"), key: readFileSync(file("key.pem"), "utf8"), cert: readFileSync(file("cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const freePort = async () => {
  const net = await import("node:net");
  return new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
};

/**
 * Writes every upload to /dev/full, whose writes the kernel answers ENOSPC: a server whose disk
 * is full, as ftp-srv then answers (550 and the error's text).
 */
class FullDisk extends FileSystem {
  override write(fileName: string) {
    return { stream: createWriteStream("/dev/full"), clientPath: fileName };
  }
}

/** An FTP server (FTPS with explicit TLS when `tls` is given) serving a temporary directory; `diskFull`: one with no space left. */
export async function startFtp(options: { user: string; password: string; tls?: { key: string; cert: string }; diskFull?: boolean }) {
  const root = mkdtempSync(path.join(tmpdir(), "ftp-root-"));
  const port = await freePort();
  const pasv = await freePort();
  const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: "127.0.0.1", pasv_min: pasv, pasv_max: pasv + 20, anonymous: false, tls: options.tls ?? false, greeting: "test server", log: silentLogger() });
  const logins: string[] = [];
  server.on("login", ({ connection, username, password }, resolve, reject) => {
    logins.push(username);
    if (username === options.user && password === options.password) resolve(options.diskFull ? { fs: new FullDisk(connection, { root, cwd: "/" }) } : { root });
    else reject(new Error("Invalid username or password"));
  });
  await server.listen();
  return { port, root, logins, stop: async () => { await server.close(); rmSync(root, { recursive: true, force: true }); } };
}

function silentLogger() {
  const noop = () => {};
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => logger };
  return logger;
}

/**
 * An ed25519 key pair in OpenSSH format. ssh2's generator strips every leading zero byte of the
 * public key, so about one pair in 256 cannot be read back (mscdex/ssh2#1390): such pairs are
 * drawn again.
 */
export function sshKeyPair() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = sshUtils.generateKeyPairSync("ed25519");
    if (!(sshUtils.parseKey(pair.private) instanceof Error) && !(sshUtils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error("no readable ed25519 key pair in 20 attempts");
}

/** A public key's fingerprint as OpenSSH's own ssh-keygen prints it ("256 SHA256:… comment (ED25519)"). */
function openSshFingerprint(publicKey: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pub-"));
  try {
    writeFileSync(path.join(dir, "key.pub"), `${publicKey}\n`);
    return execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", path.join(dir, "key.pub")], { encoding: "utf8" }).split(" ")[1]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `readOnly`: the server refuses every write with "permission denied", as OpenSSH's `sftp-server -R` does. */
type SftpLogin = { user: string; password?: string; publicKey?: string; readOnly?: boolean };
const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

/** Accepts the user with the password, or with the public key (its signature checked, or a query whether it would do); else offers both. */
function authenticate(ctx: AuthContext, login: SftpLogin, allowedKey: ReturnType<typeof sshUtils.parseKey> | undefined): void {
  const userOk = ctx.username === login.user;
  if (ctx.method === "password" && userOk && login.password !== undefined && ctx.password.length === login.password.length && timingSafeEqual(Buffer.from(ctx.password), Buffer.from(login.password))) return ctx.accept();
  if (ctx.method === "publickey" && userOk && allowedKey && !(allowedKey instanceof Error)) {
    const key = Array.isArray(allowedKey) ? allowedKey[0]! : allowedKey;
    if (ctx.key.algo === key.type && ctx.key.data.equals(key.getPublicSSH())) {
      if (!ctx.signature) return ctx.accept();
      if (ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
    }
  }
  ctx.reject(["password", "publickey"]);
}

/** A request that failed on the file system: "no such file" for ENOENT, else a plain failure. */
const fail = (sftp: SFTPWrapper, id: number, error: unknown) => sftp.status(id, (error as NodeJS.ErrnoException).code === "ENOENT" ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE);

/** Runs `work` on the file system and answers OK, or the failure. */
function answer(sftp: SFTPWrapper, id: number, work: () => void): void {
  try {
    work();
    sftp.status(id, STATUS_CODE.OK);
  } catch (e) {
    fail(sftp, id, e);
  }
}

/**
 * Open (a new file gets exactly the mode asked for), write, close; FSTAT is not offered.
 * `readOnly`: opening to write is answered "permission denied", as OpenSSH's `sftp-server -R` does.
 */
function serveFiles(sftp: SFTPWrapper, local: (p: string) => string, readOnly = false): void {
  const handles = new Map<number, number>();
  let next = 0;
  sftp.on("OPEN", (id, p, flags, requested) => {
    if (readOnly && flags & (OPEN_MODE.WRITE | OPEN_MODE.CREAT)) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED);
    try {
      const fd = openSync(local(p), flags & OPEN_MODE.WRITE ? "w" : "r");
      if (flags & OPEN_MODE.CREAT && requested.mode !== undefined) fchmodSync(fd, requested.mode & 0o7777);
      const h = Buffer.alloc(4);
      h.writeUInt32BE(++next);
      handles.set(next, fd);
      sftp.handle(id, h);
    } catch (e) {
      fail(sftp, id, e);
    }
  });
  sftp.on("WRITE", (id, h, offset, data) => {
    const fd = handles.get(h.readUInt32BE(0));
    if (fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
    writeSync(fd, data, 0, data.length, offset);
    sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on("FSTAT", (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
  sftp.on("CLOSE", (id, h) => {
    const n = h.readUInt32BE(0);
    const fd = handles.get(n);
    if (fd !== undefined) closeSync(fd);
    handles.delete(n);
    sftp.status(id, STATUS_CODE.OK);
  });
}

/** Realpath, stat, remove, rename (never over a file) and OpenSSH's posix-rename (over one). */
function servePaths(sftp: SFTPWrapper, local: (p: string) => string): void {
  sftp.on("REALPATH", (id, p) => sftp.name(id, [{ filename: path.posix.normalize(`/${p}`), longname: "", attrs: {} as never }]));
  const stat = (id: number, p: string) => {
    try {
      const s = statSync(local(p));
      sftp.attrs(id, { mode: s.mode, uid: 0, gid: 0, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) });
    } catch (e) {
      fail(sftp, id, e);
    }
  };
  sftp.on("STAT", stat);
  sftp.on("LSTAT", stat);
  sftp.on("REMOVE", (id, p) => answer(sftp, id, () => unlinkSync(local(p))));
  sftp.on("RENAME", (id, from, to) => {
    try {
      statSync(local(to));
      sftp.status(id, STATUS_CODE.FAILURE); // plain SFTP rename never replaces a file
    } catch {
      renameSync(local(from), local(to));
      sftp.status(id, STATUS_CODE.OK);
    }
  });
  sftp.on("EXTENDED", (id, name, data) => {
    if (name !== "posix-rename@openssh.com") return sftp.status(id, STATUS_CODE.OP_UNSUPPORTED);
    const fromLength = data.readUInt32BE(0);
    const from = data.subarray(4, 4 + fromLength).toString();
    const to = data.subarray(8 + fromLength, 8 + fromLength + data.readUInt32BE(4 + fromLength)).toString();
    answer(sftp, id, () => renameSync(local(from), local(to)));
  });
}

/**
 * An SFTP server over ssh2: password or public-key login, and the requests an upload needs
 * (open, write, close, stat, rename, posix-rename, remove, realpath) on a temporary directory.
 * Each server has a host key of its own, whose fingerprint (`fingerprint`) is read by OpenSSH's ssh-keygen; it counts
 * the SSH connections it gets and records every password it is sent. A new file gets exactly the mode the client
 * asks for, as OpenSSH's sftp-server does under umask 000 (`sftp-server -u 000`).
 */
export async function startSftp(options: SftpLogin) {
  const root = mkdtempSync(path.join(tmpdir(), "sftp-root-"));
  const hostKeys = sshKeyPair();
  const allowedKey = options.publicKey ? sshUtils.parseKey(options.publicKey) : undefined;
  let authAttempts = 0;
  let connections = 0;
  const passwords: string[] = [];
  const local = (p: string) => path.join(root, path.posix.normalize(`/${p}`));
  // Called once a client has sent its SSH identification, before any key exchange.
  const server = new SshServer({ hostKeys: [hostKeys.private] }, (client) => {
    connections++;
    client.on("authentication", (ctx) => {
      if (ctx.method !== "none") authAttempts++;
      if (ctx.method === "password") passwords.push(ctx.password);
      authenticate(ctx, options, allowedKey);
    });
    client.on("ready", () => {
      client.on("session", (accept) => {
        accept().on("sftp", (acceptSftp) => {
          const sftp = acceptSftp();
          serveFiles(sftp, local, options.readOnly);
          servePaths(sftp, local);
        });
      });
    });
    client.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { port, root, fingerprint: openSshFingerprint(hostKeys.public), authAttempts: () => authAttempts, connections: () => connections, passwords, stop: () => new Promise<void>((resolve) => { server.close(() => resolve()); rmSync(root, { recursive: true, force: true }); }) };
}
