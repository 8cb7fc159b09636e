import { expect } from "vitest";

/** A person registered on a running dev server, as the dev-server tests use one. */
export interface Account {
  id: string;
  token: string;
}

/**
 * Registers an account on the dev server at `url` (201 expected), from an address of its own so
 * the per-IP registration limit never refuses a test. `email` picks the address (an admin named by
 * BOOTSTRAP_ADMIN_EMAIL); by default a new one under `label`.
 */
export async function registerOn(
  url: string,
  label: string,
  email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
): Promise<Account> {
  const response = await fetch(`${url}/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify({ email, password: "a long enough password 123", displayName: label }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { accessToken: string; user: { id: string } };
  return { id: body.user.id, token: body.accessToken };
}
