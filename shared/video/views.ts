import { bytesToHex } from "../ids";
import { metrics } from "../observability/metrics";

import { visibleVideo } from "./videos";
import type { Viewer } from "./visibility";
import type { Deps } from "../platform/deps-types";

/**
 * The network an anonymous viewer is counted by: an IPv4 address, or the /64 prefix of an IPv6
 * address (one subscriber's LAN; its hosts pick addresses inside it at will). Anything that is
 * not an address is used as it is.
 */
export function viewerNetwork(ip: string | null): string {
  if (!ip) return "";
  const address = ip.trim().toLowerCase().split("%")[0]!;
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1]!;
  const halves = address.split("::");
  if (halves.length > 2) return address;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const groups = halves.length === 2 ? [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill("0"), ...tail] : head;
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/**
 * Who is watching: the user, or for anonymous viewers their network (`viewerNetwork`), hashed
 * with the video id so one viewer's keys cannot be linked across videos and no address is stored.
 * The user agent is not part of it: anyone can vary it, so one address counts once, the way one
 * account does.
 */
export async function viewerKey(videoId: string, viewer: Viewer | null, ip: string | null): Promise<string> {
  if (viewer) return `u:${viewer.userId}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${videoId}\n${viewerNetwork(ip)}`));
  return `a:${bytesToHex(digest)}`;
}

/**
 * Counts a view of a video the viewer may see; no D1 write here (the video's VideoViews object
 * batches them). The owner's own views never count, as on profiles: an owner watching their video
 * is not an audience.
 */
export async function recordView(deps: Deps, id: string, viewer: Viewer | null, client: { ip: string | null }): Promise<{ counted: boolean }> {
  const video = await visibleVideo(deps, id, viewer);
  if (viewer?.userId === video.ownerId) {
    metrics.count("video_views_total", { result: "owner" });
    return { counted: false };
  }
  const key = await viewerKey(id, viewer, client.ip);
  const result = await deps.objects.videoViews(id).record(id, key, deps.clock.now());
  metrics.count("video_views_total", { result: result.counted ? "counted" : "repeat" });
  return result;
}
