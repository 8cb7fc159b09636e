/**
 * Which Web Push endpoints the platform will POST to (SSRF): https only, and never a loopback,
 * private, link-local or otherwise internal address, unless PUSH_ALLOW_INSECURE_ENDPOINTS (only
 * honoured outside production) lets a local push service in. A host name that only resolves to an
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

function internalIpv6(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (address === "::" || address === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) {
    const octets = ipv4Octets(mapped[1]!);
    return octets === null || internalIpv4(octets);
  }
  // URL normalises mapped IPv4 to hex groups (::ffff:7f00:1): any ::ffff: form is refused.
  if (address.startsWith("::ffff:")) return true;
  return /^f[cd]/.test(address) || /^fe[89ab]/.test(address) || address.startsWith("ff");
}

/** Whether `host` (as `URL.hostname` gives it) names this machine or a private network. */
export function isInternalHost(host: string): boolean {
  if (host.startsWith("[")) return internalIpv6(host);
  const octets = ipv4Octets(host);
  if (octets) return internalIpv4(octets);
  // A single label ("router") or an all-numeric form URL did not normalise is internal too.
  if (!host.includes(".") || /^[\d.]+$/.test(host)) return true;
  return INTERNAL_NAMES.test(host.replace(/\.$/, ""));
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
