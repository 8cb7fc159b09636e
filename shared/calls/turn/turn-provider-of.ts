import { clock } from "../../clock";
import type { Config } from "../../config";
import { ApiError } from "../../http/errors";
import { logEvent } from "../../observability/log";
import { tracedFetch } from "../../observability/trace-scope";
import { CloudflareTurn } from "./cloudflare-turn";
import { CoturnRestTurn } from "./coturn-rest";
import { type TurnProvider, TurnUnavailableError } from "./turn-provider";

/**
 * `deps.turn`: Cloudflare's TURN service when its key is configured, else coturn when it is, else
 * none (STUN only). A provider that cannot issue credentials answers 503 `turn_unavailable`.
 */
export function turnProviderFor(calls: Config["calls"], fetcher: typeof fetch = tracedFetch): TurnProvider | null {
  if (calls.cloudflareTurnKeyId && calls.cloudflareTurnApiToken) {
    return turnAdapterOf(new CloudflareTurn(calls.cloudflareTurnKeyId, calls.cloudflareTurnApiToken, fetcher));
  }
  if (calls.turnUrls.length > 0 && calls.turnSecret) return turnAdapterOf(new CoturnRestTurn(calls.turnUrls, calls.turnSecret, () => clock.now()));
  return null;
}

/** `provider` with its failures turned into the declared 503; the provider's words stay in the log. */
export function turnAdapterOf(provider: TurnProvider): TurnProvider {
  return {
    name: provider.name,
    async iceServers(userId, ttlSeconds) {
      try {
        return await provider.iceServers(userId, ttlSeconds);
      } catch (error) {
        if (!(error instanceof TurnUnavailableError)) throw error;
        logEvent("warn", "TURN credentials unavailable", { userId, error: error.message });
        throw new ApiError(503, "turn_unavailable", "TURN credentials are unavailable right now; try again");
      }
    },
  };
}
