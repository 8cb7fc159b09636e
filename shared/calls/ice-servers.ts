import type { Deps } from "../platform/deps-types";
import type { IceServer } from "./turn/turn-provider";

/** STUN servers plus, when a TURN provider is configured, short-lived TURN credentials for the user. */
export async function iceServersFor(deps: Pick<Deps, "config" | "turn">, userId: string): Promise<{ iceServers: IceServer[]; ttl: number }> {
  const { turnTtlSeconds: ttl, stunUrls } = deps.config.calls;
  const iceServers: IceServer[] = stunUrls.length > 0 ? [{ urls: stunUrls }] : [];
  if (deps.turn) iceServers.push(...(await deps.turn.iceServers(userId, ttl)));
  return { iceServers, ttl };
}
