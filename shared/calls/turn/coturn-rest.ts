import type { IceServer, TurnProvider } from "./turn-provider";

/**
 * coturn's "TURN REST API" (`use-auth-secret` + `static-auth-secret`): the username is
 * `<expiry unix seconds>:<userId>` and the password is base64(HMAC-SHA1(secret, username)), so the
 * TURN server checks credentials with no call back to us and refuses them after the expiry.
 */
export class CoturnRestTurn implements TurnProvider {
  readonly name = "coturn";

  constructor(
    private readonly urls: string[],
    private readonly secret: string,
    private readonly now: () => number,
  ) {}

  async iceServers(userId: string, ttlSeconds: number): Promise<IceServer[]> {
    const expiry = Math.floor(this.now() / 1000) + ttlSeconds;
    const username = `${expiry}:${userId}`;
    return [{ urls: this.urls, username, credential: await coturnCredential(this.secret, username) }];
  }
}

export async function coturnCredential(secret: string, username: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(username)));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}
