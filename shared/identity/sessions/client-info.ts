/** Where a request came from, as recorded on sessions and audit events. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function clientInfo(request: Request): ClientInfo {
  const ip = request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip");
  const userAgent = request.headers.get("user-agent");
  return { ip: ip ? ip.slice(0, 64) : null, userAgent: userAgent ? userAgent.slice(0, 512) : null };
}
