import { clock } from "../clock";
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { CloudflareTurn } from "./turn/cloudflare-turn";
import { CoturnRestTurn } from "./turn/coturn-rest";
import { type IceServer, type TurnProvider, TurnUnavailableError } from "./turn/turn-provider";

type TurnEnv = Pick<Env, "STUN_URLS" | "TURN_URLS" | "TURN_SECRET" | "TURN_TTL_SECONDS" | "CLOUDFLARE_TURN_KEY_ID" | "CLOUDFLARE_TURN_API_TOKEN">;

const DEFAULT_TTL_SECONDS = 3600;

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

export function turnTtlSeconds(env: TurnEnv): number {
  const ttl = Number(env.TURN_TTL_SECONDS);
  return Number.isInteger(ttl) && ttl >= 60 && ttl <= 86_400 ? ttl : DEFAULT_TTL_SECONDS;
}

/** Cloudflare's TURN service when its key is configured, else coturn when it is, else none (STUN only). */
export function turnProviderFor(env: TurnEnv, fetcher: typeof fetch = fetch): TurnProvider | null {
  if (env.CLOUDFLARE_TURN_KEY_ID && env.CLOUDFLARE_TURN_API_TOKEN) {
    return new CloudflareTurn(env.CLOUDFLARE_TURN_KEY_ID, env.CLOUDFLARE_TURN_API_TOKEN, fetcher);
  }
  const urls = list(env.TURN_URLS);
  if (urls.length > 0 && env.TURN_SECRET) return new CoturnRestTurn(urls, env.TURN_SECRET, () => clock.now());
  return null;
}

/** STUN servers plus, when a TURN provider is configured, short-lived TURN credentials for the user. */
export async function iceServersFor(env: TurnEnv, userId: string, provider = turnProviderFor(env)): Promise<{ iceServers: IceServer[]; ttl: number }> {
  const ttl = turnTtlSeconds(env);
  const stun = list(env.STUN_URLS);
  const iceServers: IceServer[] = stun.length > 0 ? [{ urls: stun }] : [];
  if (provider) {
    try {
      iceServers.push(...(await provider.iceServers(userId, ttl)));
    } catch (error) {
      if (error instanceof TurnUnavailableError) throw new ApiError(503, "turn_unavailable", error.message);
      throw error;
    }
  }
  return { iceServers, ttl };
}
