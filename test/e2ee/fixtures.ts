import {
  type CiphersuiteImpl,
  type Credential,
  defaultCapabilities,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type Lifetime,
} from "ts-mls";
import { base64url } from "../../shared/ids";
import { api, json, type TestUser } from "../helpers";

let suite: Promise<CiphersuiteImpl> | undefined;
export const mls = () => (suite ??= getCiphersuiteImpl(getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519")));

/** A signed-in session (a user's token) with its MLS signature key pair. */
export interface TestDevice {
  user: TestUser;
  token: string;
  id: string;
  keys: { publicKey: Uint8Array; signKey: Uint8Array };
}

/** Registers an MLS device for the session of `token` (the user's first session by default). */
export async function registerDevice(user: TestUser, token = user.accessToken): Promise<TestDevice> {
  const keys = await (await mls()).signature.keygen();
  const response = await api("/v1/e2ee/devices", { token, body: { signatureKey: base64url(keys.publicKey) } });
  if (response.status !== 201) throw new Error(`device not registered: ${response.status} ${await response.text()}`);
  return { user, token, id: (await json(response)).id, keys };
}

const days = (n: number) => BigInt(n * 86_400);

/** A key package of `device`, base64url; `override` bends it to test refusals. */
export async function keyPackageOf(device: TestDevice, override: { identity?: string; keys?: TestDevice["keys"]; lifetime?: Lifetime } = {}): Promise<string> {
  const cs = await mls();
  const now = BigInt(Math.floor(Date.now() / 1000));
  const credential: Credential = { credentialType: "basic", identity: new TextEncoder().encode(override.identity ?? `${device.user.id}:${device.id}`) };
  const lifetime = override.lifetime ?? { notBefore: now - 60n, notAfter: now + days(30) };
  const { publicPackage } = await generateKeyPackageWithKey(credential, defaultCapabilities(), lifetime, [], override.keys ?? device.keys, cs);
  return base64url(encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: publicPackage }));
}

export async function uploadKeyPackages(device: TestDevice, count: number, lastResort = false) {
  const keyPackages = await Promise.all(Array.from({ length: count }, () => keyPackageOf(device)));
  return api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages, ...(lastResort ? { lastResort: await keyPackageOf(device) } : {}) } });
}

export async function openDirectChat(a: TestUser, b: TestUser): Promise<string> {
  const response = await api("/v1/chats", { token: a.accessToken, body: { type: "direct", userId: b.id } });
  if (response.status !== 201 && response.status !== 200) throw new Error(`no chat: ${response.status}`);
  return (await json(response)).id;
}
