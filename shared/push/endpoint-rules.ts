/**
 * Which Web Push endpoints the platform will POST to (SSRF): https only, and never a loopback,
 * private, link-local or otherwise internal address, unless PUSH_ALLOW_INSECURE_ENDPOINTS (only
 * honoured outside production) lets a local push service in. An IPv6 host is read as an address,
 * and an IPv4 address it carries (mapped, compatible, NAT64, 6to4, Teredo) is judged as that IPv4
 * address; every trailing dot of a name goes before it is judged. A host name that only resolves to an
 * internal address is not caught here: Workers cannot resolve names, and on Cloudflare a Worker's
 * fetch does not reach private networks.
 */
export type EndpointVerdict = { ok: true; url: URL } | { ok: false; detail: string };

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home|corp|localdomain|home\.arpa)$/i;

function ipv4Octets(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  const octets = parts.map(Number);
  return octets.every((n) => n <= 255) ? octets : null;
}

function internalIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a! >= 224
  );
}

/** The eight 16-bit groups of an IPv6 address (without brackets; a trailing dotted IPv4 allowed), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let text = address;
  if (dotted) {
    const octets = ipv4Octets(dotted[1]!);
    if (!octets) return null;
    const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
    text = `${address.slice(0, -dotted[1]!.length)}${hex(octets[0]!, octets[1]!)}:${hex(octets[2]!, octets[3]!)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) =>
    part === "" ? [] : part.split(":").map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16) : Number.NaN));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const given = head.length + tail.length;
  if ([...head, ...tail].some(Number.isNaN) || given > 8 || (halves.length === 1 && given !== 8)) return null;
  return [...head, ...Array<number>(8 - given).fill(0), ...tail];
}

const octetsOf = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff];

/**
 * The IPv4 address an IPv6 address carries and delivers to, in every form a request could take
 * to reach it: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo's client (2001::/32, inverted bits).
 */
function embeddedIpv4(groups: number[]): number[] | null {
  const [g0, g1, g2, , , g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && g5 === 0xffff) return octetsOf(g6, g7);
  if (zero(0, 6) && (g6 !== 0 || g7 > 1)) return octetsOf(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && (zero(2, 6) || g2 === 1)) return octetsOf(g6, g7);
  if (g0 === 0x2002) return octetsOf(g1, g2);
  if (g0 === 0x2001 && g1 === 0) return octetsOf(g6 ^ 0xffff, g7 ^ 0xffff);
  return null;
}

function internalIpv6(host: string): boolean {
  const groups = ipv6Groups(host.replace(/^\[|\]$/g, "").toLowerCase());
  if (!groups) return true;
  const embedded = embeddedIpv4(groups);
  if (embedded) return internalIpv4(embedded);
  const [first] = groups as [number];
  if (groups.slice(0, 7).every((g) => g === 0)) return true; // :: and ::1
  if (first === 0x100 && groups.slice(1, 4).every((g) => g === 0)) return true; // discard-only 100::/64
  if (first === 0x2001 && groups[1] === 0xdb8) return true; // documentation
  // unique local fc00::/7, link-local fe80::/10, site-local fec0::/10 (deprecated, still routed internally), multicast ff00::/8
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0 || (first & 0xff00) === 0xff00;
}

/** Whether `host` (as `URL.hostname` gives it) names this machine or a private network. */
export function isInternalHost(host: string): boolean {
  if (host.startsWith("[")) return internalIpv6(host);
  // "localhost." and "localhost.." name localhost too: every trailing dot goes before any check.
  const name = host.replace(/\.+$/, "");
  if (name === "" || name.split(".").some((label) => label === "")) return true;
  const octets = ipv4Octets(name);
  if (octets) return internalIpv4(octets);
  // A single label ("router") or an all-numeric form URL did not normalise is internal too.
  if (!name.includes(".") || /^[\d.]+$/.test(name)) return true;
  return INTERNAL_NAMES.test(name);
}

export function checkPushEndpoint(endpoint: string, allowInsecure: boolean): EndpointVerdict {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, detail: "The endpoint is not a URL" };
  }
  if (url.username || url.password) return { ok: false, detail: "The endpoint may not carry credentials" };
  if (allowInsecure) {
    if (url.protocol === "https:" || url.protocol === "http:") return { ok: true, url };
    return { ok: false, detail: "The endpoint must be an http or https URL" };
  }
  if (url.protocol !== "https:") return { ok: false, detail: "The endpoint must be an https URL" };
  if (isInternalHost(url.hostname)) return { ok: false, detail: "The endpoint names a loopback, private or internal address" };
  return { ok: true, url };
}
