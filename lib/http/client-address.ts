/**
 * The client's address as the portal trusts it. With no proxy in front (`trustProxy` 0, the
 * default) it is the connection's: X-Forwarded-For is anyone's to write. Behind `trustProxy`
 * proxies, each appending the address it got the request from, it is the entry that many places
 * from the right; what the client itself wrote stays to the left and is ignored.
 */
export function trustedClientAddress(connection: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: number): string {
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  const address = trustProxy > 0 && hops.length ? hops[Math.max(0, hops.length - trustProxy)]! : (connection ?? "");
  // An IPv4 client on a dual-stack socket: the IPv4 address, as it is known everywhere else.
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1") || "unknown";
}
