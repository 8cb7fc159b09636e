import { clock } from "../clock";
import { configOf } from "../config";
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { logEvent } from "../observability/log";
import { CloudflareTurn } from "./turn/cloudflare-turn";
import { CoturnRestTurn } from "./turn/coturn-rest";
import { type IceServer, type TurnProvider, TurnUnavailableError } from "./turn/turn-provider";
import { tracedFetch } from "../observability/trace-scope";

type TurnEnv = Pick<Env, "STUN_URLS" | "TURN_URLS" | "TURN_SECRET" | "TURN_TTL_SECONDS" | "CLOUDFLARE_TURN_KEY_ID" | "CLOUDFLARE_TURN_API_TOKEN">;

export function turnTtlSeconds(env: TurnEnv): number {
  return configOf(env).calls.turnTtlSeconds;
}

/** Cloudflare's TURN service when its key is configured, else coturn when it is, else none (STUN only). */
export function turnProviderFor(env: TurnEnv, fetcher: typeof fetch = tracedFetch): TurnProvider | null {
  const { calls } = configOf(env);
  if (calls.cloudflareTurnKeyId && calls.cloudflareTurnApiToken) {
    return new CloudflareTurn(calls.cloudflareTurnKeyId, calls.cloudflareTurnApiToken, fetcher);
  }
  if (calls.turnUrls.length > 0 && calls.turnSecret) return new CoturnRestTurn(calls.turnUrls, calls.turnSecret, () => clock.now());
  return null;
}

/** STUN servers plus, when a TURN provider is configured, short-lived TURN credentials for the user. */
export async function iceServersFor(env: TurnEnv, userId: string, provider = turnProviderFor(env)): Promise<{ iceServers: IceServer[]; ttl: number }> {
  const ttl = turnTtlSeconds(env);
  const stun = configOf(env).calls.stunUrls;
  const iceServers: IceServer[] = stun.length > 0 ? [{ urls: stun }] : [];
  if (provider) {
    try {
      iceServers.push(...(await provider.iceServers(userId, ttl)));
    } catch (error) {
      if (!(error instanceof TurnUnavailableError)) throw error;
      // The provider's words stay in the log.
      logEvent("warn", "TURN credentials unavailable", { userId, error: error.message });
      throw new ApiError(503, "turn_unavailable", "TURN credentials are unavailable right now; try again");
    }
  }
  return { iceServers, ttl };
}
