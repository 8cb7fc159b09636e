import { z } from "zod";
import { type IceServer, type TurnProvider, TurnUnavailableError } from "./turn-provider";

export const CLOUDFLARE_TURN_API = "https://rtc.live.cloudflare.com/v1";

const Urls = z.union([z.string(), z.array(z.string())]);
const ServerEntry = z.object({ urls: Urls, username: z.string().optional(), credential: z.string().optional() });
// The service has answered both with one object and with a list of them.
const GenerateResponse = z.object({ iceServers: z.union([ServerEntry, z.array(ServerEntry)]) });

/**
 * Cloudflare Realtime TURN: a TURN key id and its API token mint short-lived credentials with
 * POST /turn/keys/{id}/credentials/generate-ice-servers. `fetcher` is injected so tests can put a
 * local fake of that API behind it.
 */
export class CloudflareTurn implements TurnProvider {
  readonly name = "cloudflare";

  constructor(
    private readonly keyId: string,
    private readonly apiToken: string,
    private readonly fetcher: typeof fetch,
    private readonly baseUrl = CLOUDFLARE_TURN_API,
  ) {}

  async iceServers(_userId: string, ttlSeconds: number): Promise<IceServer[]> {
    let response: Response;
    try {
      response = await this.fetcher(`${this.baseUrl}/turn/keys/${encodeURIComponent(this.keyId)}/credentials/generate-ice-servers`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.apiToken}`, "content-type": "application/json" },
        body: JSON.stringify({ ttl: ttlSeconds }),
      });
    } catch (error) {
      throw new TurnUnavailableError(`Cloudflare TURN unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new TurnUnavailableError(`Cloudflare TURN answered ${response.status}`);
    const parsed = GenerateResponse.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new TurnUnavailableError("Cloudflare TURN answered with an unexpected body");
    const entries = Array.isArray(parsed.data.iceServers) ? parsed.data.iceServers : [parsed.data.iceServers];
    return entries
      .map((entry) => ({ ...entry, urls: withoutPort53(Array.isArray(entry.urls) ? entry.urls : [entry.urls]) }))
      .filter((entry) => entry.urls.length > 0);
  }
}

/** Browsers wait out a timeout on port 53 (often blocked) before trying the next URL: drop them. */
export function withoutPort53(urls: string[]): string[] {
  return urls.filter((url) => !/:53(\?|$)/.test(url));
}
