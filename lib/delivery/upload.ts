import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { Readable } from "node:stream";
import { Client as FtpClient } from "basic-ftp";
import SftpClient from "ssh2-sftp-client";
import type { UploadTarget } from "@/db/schema";
import { resolveDestination } from "./address-guard";
import { classify } from "./errors";
import { HostKeyError, HostKeyMissingError, sshFingerprint } from "./host-key";

/**
 * A destination with what it needs to connect: its password or private key, the SFTP server's
 * accepted host key (see `sshFingerprint`) and, for FTPS, a private certificate authority (PEM)
 * to trust instead of the public ones.
 */
export type UploadDestination = UploadTarget & { secret: string; hostKey?: string | null; ca?: string | null };

export type UploadOptions = {
  allowPrivate: boolean;
  timeoutMs?: number;
};

/** What OpenSSH's sftp gives a new file under a server that keeps the client's mode: rw-r--r--. */
const FILE_MODE = 0o644;
const writeOptions = { writeStreamOptions: { mode: FILE_MODE } };

/** Something that can be uploaded more than once (one upload per attempt): a file path or bytes. */
export type Source = { path: string } | { bytes: Buffer };
const stream = (source: Source) => ("path" in source ? source.path : Readable.from([source.bytes]));

const join = (directory: string, name: string) => `${directory.replace(/\/+$/, "")}/${name}`.replace(/^\/\//, "/");

/** FTP or FTPS (explicit TLS, certificate checked against the host name typed, and chained to the destination's CA when it has one). */
async function withFtp<T>(d: UploadDestination, o: UploadOptions, work: (client: FtpClient) => Promise<T>): Promise<T> {
  const address = await resolveDestination(d.host, o.allowPrivate);
  // basic-ftp refuses a passive data connection to another host than the control one (its default).
  const client = new FtpClient(o.timeoutMs ?? 30_000);
  try {
    await client.access({
      host: address,
      port: d.port,
      user: d.user,
      password: d.secret,
      secure: d.protocol === "ftps",
      // The certificate is checked against the name typed, not the address connected to.
      secureOptions: d.protocol === "ftps" ? { host: d.host, servername: isIP(d.host) ? undefined : d.host, ca: d.ca ?? undefined } : undefined,
    });
    return await work(client);
  } catch (error) {
    throw classify(error, `${d.protocol.toUpperCase()} ${d.host}`);
  } finally {
    client.close();
  }
}

/**
 * Connects to an SFTP server whose host key is `d.hostKey`: ssh2 hands the key over before any
 * authentication, and a key other than the accepted one ends the connection there, so neither the
 * password nor a signature from the private key reaches a server we do not know. Without an
 * accepted key only a *Test upload* (`firstUse`) connects, to show the owner the server's key:
 * pinned on first use means by the owner, never by a delivery on its own.
 */
async function withSftp<T>(d: UploadDestination, o: UploadOptions & { firstUse?: boolean }, work: (client: SftpClient) => Promise<T>): Promise<T> {
  const address = await resolveDestination(d.host, o.allowPrivate);
  if (!d.hostKey && !o.firstUse) throw new HostKeyMissingError(d.host);
  const client = new SftpClient("delivery");
  const expected = d.hostKey ?? null;
  let offered: string | undefined;
  try {
    await client.connect({
      host: address,
      port: d.port,
      username: d.user,
      ...(d.auth === "key" ? { privateKey: d.secret } : { password: d.secret }),
      hostVerifier: (key: Buffer) => {
        offered = sshFingerprint(key);
        return offered === expected;
      },
      readyTimeout: o.timeoutMs ?? 30_000,
      timeout: o.timeoutMs ?? 30_000,
      // One attempt per delivery try: our own retries back off between them.
      retries: 0,
    });
    return await work(client);
  } catch (error) {
    if (offered !== undefined && offered !== expected) throw new HostKeyError(d.host, offered, expected);
    throw classify(error, `SFTP ${d.host}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Uploads under a temporary name, then renames it to `name`: a reader of the directory never sees
 * half a report, and a retried upload replaces a previous whole one.
 */
export async function uploadReport(d: UploadDestination, source: Source, name: string, o: UploadOptions): Promise<void> {
  const temporary = join(d.directory, `.${name}.${randomBytes(6).toString("hex")}.part`);
  const final = join(d.directory, name);
  if (d.protocol === "sftp") {
    await withSftp(d, o, async (client) => {
      await client.put(stream(source), temporary, writeOptions);
      try {
        await client.posixRename(temporary, final);
      } catch {
        // Servers without the posix-rename extension refuse to rename over an existing file.
        await client.delete(final, true);
        await client.rename(temporary, final);
      }
    });
    return;
  }
  await withFtp(d, o, async (client) => {
    await client.uploadFrom(stream(source), temporary);
    await client.rename(temporary, final);
  });
}

/**
 * *Test upload*: writes a small file in the directory and removes it again. For SFTP without an
 * accepted host key (or with another one) it stops at the server's key: the HostKeyError carries
 * the key offered, for the owner to accept.
 */
export async function testUpload(d: UploadDestination, o: UploadOptions): Promise<void> {
  const name = join(d.directory, `.portal-test-${randomBytes(6).toString("hex")}.txt`);
  const bytes = Buffer.from("Test upload from the conference portal; this file is removed at once.\n");
  if (d.protocol === "sftp") {
    await withSftp(d, { ...o, firstUse: true }, async (client) => {
      await client.put(bytes, name, writeOptions);
      await client.delete(name);
    });
    return;
  }
  await withFtp(d, o, async (client) => {
    await client.uploadFrom(Readable.from([bytes]), name);
    await client.remove(name);
  });
}

