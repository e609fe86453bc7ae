import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import ipaddr from "ipaddr.js";
import { DeliveryError } from "./errors";

/**
 * Addresses a scheduled upload must not reach unless the operator allows them
 * (DELIVERY_ALLOW_PRIVATE=1): a destination typed by a customer must not become a way into the
 * provider's own network. ipaddr.js classifies the ranges (RFC 6890 and later); only plain public
 * unicast passes; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged by its IPv4 address.
 */
export class PrivateAddressError extends DeliveryError {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`host ${host} resolves to ${address}, a private, loopback or link-local address, which deliveries may not reach`, "permanent", "private-address");
  }
}

/**
 * IPv4-compatible IPv6 (::a.b.c.d, ::7f00:1), deprecated since RFC 4291 (§2.5.5.1): no real
 * destination uses it, and some stacks route it to the IPv4 address it carries, so it is refused
 * whole. ipaddr.js classifies it as public unicast, hence this range of our own.
 */
const compatible = ipaddr.IPv6.parseCIDR("::/96");

/**
 * Parses an address as the kernel does. ipaddr.js reads "::a.b.c.d" as IPv4-mapped (::ffff:a.b.c.d)
 * where inet_pton reads IPv4-compatible (::0:a.b.c.d): the dotted tail is written in hex first.
 */
function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return ipaddr.IPv4.parse(bare);
  if (family !== 6) return null;
  const hex = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a: string, b: string, c: string, d: string) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  return ipaddr.IPv6.isValid(hex) ? ipaddr.IPv6.parse(hex) : null;
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for. */
const mappedIpv4 = (address: ipaddr.IPv6) => (address.isIPv4MappedAddress() ? address.toIPv4Address() : null);

/** The addresses of this machine's own interfaces, normalised; read each time (interfaces come and go). */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => normalise(i.address))
    .filter((a): a is string => a !== null);
}

function normalise(address: string): string | null {
  const parsed = parse(address);
  if (!parsed) return null;
  const v4 = parsed.kind() === "ipv6" ? mappedIpv4(parsed as ipaddr.IPv6) : null;
  return (v4 ?? parsed).toNormalizedString();
}

/**
 * Whether deliveries must not reach `address`: anything but public unicast (private, loopback,
 * link-local, unspecified 0.0.0.0/8, carrier-grade NAT, reserved and documentation ranges,
 * multicast, NAT64, 6to4, Teredo…), IPv4-mapped IPv6 judged by its IPv4 address, IPv4-compatible
 * IPv6 refused, and this machine's own interface addresses whatever their range. Not an IP address at all: refused.
 */
export function isPrivateAddress(address: string, own: string[] = interfaceAddresses()): boolean {
  const parsed = parse(address);
  if (!parsed) return true;
  if (own.includes(normalise(address)!)) return true;
  if (parsed.kind() === "ipv4") return parsed.range() !== "unicast";
  const v6 = parsed as ipaddr.IPv6;
  const v4 = mappedIpv4(v6);
  if (v4) return v4.range() !== "unicast";
  return v6.match(compatible) || v6.range() !== "unicast";
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
    const own = interfaceAddresses();
    const bad = addresses.find((a) => isPrivateAddress(a, own));
    if (bad) throw new PrivateAddressError(host, bad);
  }
  return addresses[0]!;
}
