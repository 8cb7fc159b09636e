import { importJWK, type JWK, SignJWT } from "jose";
import { ApiError, conflict } from "../http/errors";
import type { Deps } from "../platform/deps-types";
import { thumbnailUrlOf } from "./model";
import type { VideoRecord } from "./records";
import { isVisibleToEveryone } from "./visibility";

export interface Playback {
  hls: string;
  dash: string;
  thumbnailUrl: string | null;
  token?: string;
  expiresAt?: string;
  /** Development and tests only: the uploaded file as the local Stream emulation serves it. */
  localFile?: string;
}

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

let cached: { source: string; kid: string | undefined; key: Promise<SigningKey> } | undefined;

/** The Stream signing key: its JWK as JSON, or base64 of that JSON (how Stream's API hands it out). */
function parseJwk(source: string): JWK {
  const text = source.trim().startsWith("{") ? source : atob(source.trim());
  return JSON.parse(text) as JWK;
}

async function signingKey(deps: Deps): Promise<SigningKey> {
  const config = deps.config.video;
  if (!config.signingKey) throw new ApiError(503, "playback_signing_unavailable", "No Stream signing key is configured (VIDEO_SIGNING_KEY)");
  if (cached?.source !== config.signingKey || cached.kid !== config.signingKeyId) {
    const source = config.signingKey;
    const key = (async () => {
      const jwk = parseJwk(source);
      const kid = config.signingKeyId ?? jwk.kid;
      if (!kid) throw new Error("The Stream signing key has no id: set VIDEO_SIGNING_KEY_ID");
      return { kid, key: (await importJWK({ ...jwk, alg: "RS256" }, "RS256")) as CryptoKey };
    })();
    cached = { source, kid: config.signingKeyId, key };
  }
  return cached.key;
}

/**
 * A Stream signed-URL token minted here, not by Stream's API (no request per view): an RS256 JWT
 * whose `kid` names the Stream signing key, `sub` the video's uid, expiring within the
 * configured TTL, with the configured access rules.
 */
export async function playbackToken(deps: Deps, uid: string): Promise<{ token: string; expiresAt: Date }> {
  const config = deps.config.video;
  const { kid, key } = await signingKey(deps);
  const now = Math.floor(deps.clock.now() / 1000);
  const exp = now + config.playbackTokenTtlSeconds;
  const token = await new SignJWT({ sub: uid, kid, ...(config.tokenAccessRules ? { accessRules: config.tokenAccessRules } : {}) })
    .setProtectedHeader({ alg: "RS256", kid })
    .setNotBefore(now - 60)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAt: new Date(exp * 1000) };
}

/** Stream's signed URLs put the token where the uid was. */
export function signedStreamUrl(url: string, uid: string, token: string): string {
  return url.split(`/${uid}/`).join(`/${token}/`);
}

/**
 * Where to play the video. While Stream requires signed URLs for it (private, unpublished,
 * unapproved, archived or hidden: only its owner and moderators get this far) every URL carries
 * a fresh token.
 */
export async function playbackOf(deps: Deps, video: VideoRecord): Promise<Playback> {
  if (!video.streamUid || !video.hlsUrl || !video.dashUrl) throw conflict("not_ready", "The video is not ready to play yet");
  const thumbnail = thumbnailUrlOf(video);
  const needsToken = video.signedPlayback || !isVisibleToEveryone(video, deps.clock.now());
  // The emulation's HLS URLs name a placeholder host that serves nothing, so offline the player gets the bytes.
  const local = deps.config.video.localPlayback ? { localFile: `/__cf_local/stream/${encodeURIComponent(video.streamUid)}/watch` } : {};
  if (!needsToken) return { hls: video.hlsUrl, dash: video.dashUrl, thumbnailUrl: thumbnail, ...local };
  const { token, expiresAt } = await playbackToken(deps, video.streamUid);
  const sign = (url: string) => signedStreamUrl(url, video.streamUid!, token);
  return {
    hls: sign(video.hlsUrl),
    dash: sign(video.dashUrl),
    thumbnailUrl: thumbnail && !video.thumbnailFileId ? sign(thumbnail) : thumbnail,
    token,
    expiresAt: expiresAt.toISOString(),
    ...local,
  };
}
