import { createHash } from "node:crypto";
import { DeliveryError } from "./errors";

/** What `sshFingerprint` returns: how OpenSSH prints a key (ssh-keygen -l, the "authenticity" prompt). */
export const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** An SSH public key's fingerprint as OpenSSH prints it: "SHA256:" and the unpadded base64 of the key blob's SHA-256. */
export const sshFingerprint = (keyBlob: Buffer) => `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;

/**
 * The SFTP server showed a host key other than the accepted one (`expected`), or there is none
 * accepted yet (first use): the connection was dropped before any password or key was sent.
 * `offered` is what the server showed, for the owner to check and accept.
 */
export class HostKeyError extends DeliveryError {
  constructor(
    readonly host: string,
    readonly offered: string,
    readonly expected: string | null,
  ) {
    super(
      expected
        ? `SFTP ${host}: the server's host key is ${offered}, not the accepted ${expected}; nothing was sent. Accept the new key in the schedule once its administrator confirms it changed`
        : `SFTP ${host}: the server's host key ${offered} has not been accepted; nothing was sent`,
      "permanent",
      expected ? "host-key-changed" : "host-key-unknown",
    );
    this.name = "HostKeyError";
  }
}

/** An SFTP destination saved without an accepted host key (before keys were pinned): not connected to at all. */
export class HostKeyMissingError extends DeliveryError {
  constructor(readonly host: string) {
    super(`SFTP ${host}: no server key has been accepted for this destination; nothing was sent. Run Test upload in the schedule and accept the server's key`, "permanent", "host-key-missing");
    this.name = "HostKeyMissingError";
  }
}
