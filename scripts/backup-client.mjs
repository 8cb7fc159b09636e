// What `npm run backup` and `npm run restore` share: arguments, the admin's credential, and
// calls to the platform's /v1/admin/backup and /v1/admin/restore endpoints.
import { createHash } from "node:crypto";
import path from "node:path";

/**
 * `--name value` and `--flag` arguments.
 * @param {string[]} argv
 * @returns {Record<string, string | true>}
 */
export function parseArgs(argv) {
  /** @type {Record<string, string | true>} */
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split("=", 2);
    if (inline !== undefined) args[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) args[name] = argv[++i];
    else args[name] = true;
  }
  return args;
}

/**
 * An admin's session on the platform at `baseUrl`: BACKUP_TOKEN (an access token) as given, or
 * BACKUP_EMAIL and BACKUP_PASSWORD, signing in again whenever the access token has expired.
 * @param {string} baseUrl
 */
export function adminClient(baseUrl) {
  const base = baseUrl.replace(/\/$/, "");
  let token = process.env.BACKUP_TOKEN ?? null;
  const email = process.env.BACKUP_EMAIL;
  const password = process.env.BACKUP_PASSWORD;
  if (!token && !(email && password)) throw new Error("Set BACKUP_TOKEN (an admin's access token), or BACKUP_EMAIL and BACKUP_PASSWORD (an admin without 2FA)");

  async function signIn() {
    const response = await fetch(`${base}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`Signing in as ${email} failed: ${response.status} ${await response.text()}`);
    token = (await response.json()).accessToken;
  }

  /**
   * @param {string} route path under /v1/admin
   * @param {RequestInit & { headers?: Record<string, string> }} [init]
   * @returns {Promise<Response>}
   */
  async function call(route, init = {}, retried = false) {
    if (!token) await signIn();
    const response = await fetch(`${base}/v1/admin${route}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
    if (response.status === 401 && email && password && !retried && !(init.body instanceof ReadableStream)) {
      token = null;
      return call(route, init, true);
    }
    if (!response.ok) throw new Error(`${init.method ?? "GET"} /v1/admin${route}: ${response.status} ${await response.text()}`);
    return response;
  }

  return {
    base,
    /** @param {string} route */
    json: async (route) => (await call(route)).json(),
    /** @param {string} route @param {unknown} body */
    post: async (route, body) => (await call(route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json(),
    call,
  };
}

export const OBJECT_KINDS = ["chat-room", "user-hub", "call-session", "video-views"];

export const sha256Hex = (/** @type {Uint8Array} */ bytes) => createHash("sha256").update(bytes).digest("hex");

/**
 * Where an R2 object's bytes are kept in a backup directory. Keys are the bucket's own
 * (`blobs/<id>`, `variants/...`); one that would leave the directory is refused.
 * @param {string} directory @param {string} key
 */
export function objectPath(directory, key) {
  const target = path.join(directory, "files", "data", ...key.split("/"));
  if (!target.startsWith(path.join(directory, "files", "data") + path.sep) || key.split("/").some((part) => part === ".." || part === ".")) {
    throw new Error(`Refusing the object key ${key}: it would leave the backup directory`);
  }
  return target;
}

/** @param {string} name */
export const objectFile = (name) => `${encodeURIComponent(name)}.json`;
