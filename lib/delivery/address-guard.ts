import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { DeliveryError } from "./errors";

/**
 * Addresses a scheduled upload must not reach unless the operator allows them
 * (DELIVERY_ALLOW_PRIVATE=1): a destination typed by a customer must not become a way into the
 * provider's own network.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["64:ff9b::", 96], // NAT64 may map to anything
] as const) blocked.addSubnet(net, prefix, "ipv6");

export class PrivateAddressError extends DeliveryError {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`host ${host} resolves to ${address}, a private, loopback or link-local address, which deliveries may not reach`, "permanent", "private-address");
  }
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, "ipv4");
  return blocked.check(address, "ipv6");
}

/**
 * Resolves `host` and returns the address to connect to — the caller connects to that address,
 * not to the name again, so a second DNS answer cannot swap in a private one. Every address the
 * name resolves to must be allowed.
 */
export async function resolveDestination(host: string, allowPrivate: boolean): Promise<string> {
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A name that does not exist will not exist on retry; a failing resolver might recover.
    throw new DeliveryError(`host ${host} could not be resolved (${code ?? "DNS error"})`, code === "ENOTFOUND" ? "permanent" : "transient");
  }
  if (!addresses.length) throw new DeliveryError(`host ${host} has no address`, "permanent");
  if (!allowPrivate) {
    const bad = addresses.find(isPrivateAddress);
    if (bad) throw new PrivateAddressError(host, bad);
  }
  return addresses[0]!;
}
