/** Where a request came from, as recorded on sessions and audit events. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  /** From Cloudflare's request metadata (request.cf): ISO 3166-1 alpha-2 country and city, when known. */
  country?: string | null;
  city?: string | null;
}

interface CfPlace {
  country?: unknown;
  city?: unknown;
}

export function clientInfo(request: Request): ClientInfo {
  const ip = request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip");
  const userAgent = request.headers.get("user-agent");
  // Cloudflare sets request.cf; only values of the expected shape are kept (XX is "unknown").
  const cf = (request as { cf?: CfPlace }).cf;
  const country = typeof cf?.country === "string" && /^[A-Z][A-Z0-9]$/.test(cf.country) && cf.country !== "XX" ? cf.country : null;
  const city = typeof cf?.city === "string" && cf.city.trim() ? cf.city.trim().slice(0, 100) : null;
  return { ip: ip ? ip.slice(0, 64) : null, userAgent: userAgent ? userAgent.slice(0, 512) : null, country, city };
}
