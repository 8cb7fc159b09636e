import { expect } from "vitest";
import { SoftAuthenticator } from "../kit/authenticator";
import { api, json, type TestUser } from "../helpers";

/** Creation options for `user` (POST /v1/auth/passkeys/registration/options with the password). */
export async function registrationOptions(user: TestUser) {
  const response = await api("/v1/auth/passkeys/registration/options", { token: user.accessToken, body: { password: user.password }, ip: user.ip });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

/** Registers a new software passkey for `user`; returns the authenticator and the stored passkey. */
export async function addPasskey(user: TestUser, name?: string) {
  const authenticator = await SoftAuthenticator.create(user.id);
  const options = await registrationOptions(user);
  const response = await api("/v1/auth/passkeys/registration/verify", {
    token: user.accessToken,
    body: { response: await authenticator.register(options), ...(name ? { name } : {}) },
    ip: user.ip,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { passkey } = await json(response);
  return { authenticator, passkey };
}

/** First-factor request options (no allowCredentials), or second-factor ones with `mfaToken`. */
export async function loginOptions(ip: string, mfaToken?: string) {
  const response = await api("/v1/auth/passkeys/login/options", { body: mfaToken ? { mfaToken } : {}, ip });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

export function verifyLogin(ip: string, response: unknown, mfaToken?: string) {
  return api("/v1/auth/passkeys/login/verify", { body: { response, ...(mfaToken ? { mfaToken } : {}) }, ip, headers: { "user-agent": "vitest passkey" } });
}
