import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { padded, samples, sha256Hex } from "../media/samples";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const ADMIN = "admin@backup-roundtrip.test";
// One issuer on both sides (and the one .dev.vars signing key), so an access token of the source
// is accepted by the restored target: it checks the target's restored copy of the session.
const vars = { JWT_ISSUER: "http://backup-roundtrip.test", BOOTSTRAP_ADMIN_EMAIL: ADMIN, STUN_URLS: "" };

let source: DevServer;
let target: DevServer;
const directory = mkdtempSync(path.join(tmpdir(), "backup-roundtrip-"));

beforeAll(async () => {
  [source, target] = await Promise.all([
    startDevServer({ port: testPort(8940), name: "backup-source", vars }),
    startDevServer({ port: testPort(8941), name: "backup-target", vars }),
  ]);
}, 420_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
}, 30_000);

async function call(server: DevServer, route: string, init: { token?: string; body?: unknown; method?: string; bytes?: Uint8Array } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${route}`, {
    method: init.method ?? (init.body !== undefined || init.bytes ? "POST" : "GET"),
    headers,
    body: init.bytes ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${route}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const passwordOf = (email: string) => `a long passphrase for ${email}`;

async function register(server: DevServer, email: string, displayName: string, password = passwordOf(email)) {
  const reply = await call(server, "/v1/auth/register", { body: { email, password, displayName } });
  return { id: reply.user.id as string, email, password, token: reply.accessToken as string };
}

async function signIn(server: DevServer, user: { email: string; password: string }): Promise<string> {
  return (await call(server, "/v1/auth/login", { body: { email: user.email, password: user.password } })).accessToken;
}

async function npmScript(script: "backup" | "restore", args: string[], env: Record<string, string>) {
  const { stdout } = await run(process.execPath, [path.join(root, "scripts", `${script}.mjs`), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Every file of a backup directory but its manifest's timestamps, as relative path -> content. */
function backupContents(dir: string): Map<string, string> {
  const contents = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const full = path.join(at, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry !== "restore-d1.sql") contents.set(path.relative(dir, full), readFileSync(full, "latin1"));
    }
  };
  walk(dir);
  const manifest = JSON.parse(contents.get("manifest.json")!);
  contents.set("manifest.json", JSON.stringify({ ...manifest, source: undefined, startedAt: undefined, finishedAt: undefined }));
  return contents;
}

describe("npm run backup, then npm run restore into a fresh instance", () => {
  it("brings back every table, every message, every object and its metadata", async () => {
    // A family's instance, filled through the API.
    const admin = await register(source, ADMIN, "Admin");
    const alice = await register(source, "alice@backup-roundtrip.test", "Alice Orchard");
    const bob = await register(source, "bob@backup-roundtrip.test", "Bob Basket");
    const chat = await call(source, "/v1/chats", { token: alice.token, body: { type: "direct", userId: bob.id } });
    const texts = ["the orchard walk on Sunday?", "yes, bring the blue basket", "and the apples from grandma's tree"];
    const sent = [];
    for (const [i, text] of texts.entries()) {
      sent.push(await call(source, `/v1/chats/${chat.id}/messages`, { token: i % 2 === 0 ? alice.token : bob.token, body: { clientId: `c-${i}`, text } }));
    }
    await call(source, `/v1/chats/${chat.id}/messages/${sent[0].id}/reactions`, { token: bob.token, body: { emoji: "🍎" } });
    const photo = padded(samples.png, 5000, 7);
    const file = await call(source, "/v1/files?purpose=image&name=orchard.png", { token: alice.token, bytes: photo });
    const project = await call(source, "/v1/studio/projects", { token: alice.token, body: { name: "Harvest album" } });
    const box = await call(source, `/v1/studio/projects/${project.id}/boxes`, { token: alice.token, body: { name: "Cover" } });
    const asset = await call(source, `/v1/studio/boxes/${box.id}/assets`, { token: alice.token, body: { fileId: file.id } });
    // The room writes the chat's last message to D1 after acknowledging it: back up once it has.
    for (let i = 0; ; i++) {
      const list = await call(source, "/v1/chats", { token: bob.token });
      if (list.items.find((c: { id: string }) => c.id === chat.id)?.lastMessage?.seq === texts.length) break;
      if (i > 100) throw new Error("the chat list never showed the last message");
      await new Promise((r) => setTimeout(r, 100));
    }

    // One admin token for both backups, so the second backup adds no session of its own.
    const adminToken = await signIn(source, admin);
    const first = path.join(directory, "first");
    await npmScript("backup", ["--out", first, "--url", source.url], { BACKUP_TOKEN: adminToken });

    const targetAdmin = await register(target, ADMIN, "Fresh admin", "the target's own admin passphrase");
    await npmScript("restore", ["--from", first, "--url", target.url, "--local", "--persist-to", path.join(root, ".wrangler", "state-backup-target")], {
      BACKUP_EMAIL: targetAdmin.email,
      BACKUP_PASSWORD: targetAdmin.password,
    });

    // The same backup taken of the restored instance is the same, file for file: every D1 table,
    // every Durable Object's tables and keys, every R2 object's bytes and metadata.
    const second = path.join(directory, "second");
    await npmScript("backup", ["--out", second, "--url", target.url], { BACKUP_TOKEN: adminToken });
    const before = backupContents(first);
    const after = backupContents(second);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, content] of before) expect(after.get(file), file).toBe(content);
    const manifest = JSON.parse(before.get("manifest.json")!);
    expect(manifest.objects["chat-room"]).toContain(chat.id);
    expect(manifest.database.tables.find((t: { name: string }) => t.name === "users").rows).toBe(3);
    expect(manifest.database.derived.find((t: { name: string }) => t.name === "user_name_search").rows).toBe(3);

    // And the people in it find what they had, signing in with their own passwords.
    const aliceToken = await signIn(target, alice);
    const page = await call(target, `/v1/chats/${chat.id}/messages?after=0`, { token: aliceToken });
    expect(page.items.map((m: { text: string }) => m.text)).toEqual(texts);
    expect(JSON.stringify(page.items[0].reactions)).toContain("🍎");
    const found = await call(target, `/v1/chats/${chat.id}/messages?q=apples`, { token: aliceToken });
    expect(found.items.map((m: { seq: number }) => m.seq)).toEqual([3]);
    const people = await call(target, "/v1/people?q=bask", { token: aliceToken });
    expect(people.items.map((p: { id: string }) => p.id)).toEqual([bob.id]);
    const bytes = new Uint8Array(
      await (await fetch(`${target.url}/v1/files/${file.id}/content`, { headers: { authorization: `Bearer ${aliceToken}` } })).arrayBuffer(),
    );
    expect(await sha256Hex(bytes)).toBe(file.sha256);
    expect(await sha256Hex(bytes)).toBe(await sha256Hex(photo));
    const assets = await call(target, `/v1/studio/boxes/${box.id}/assets`, { token: aliceToken });
    expect(assets.items.map((a: { id: string }) => a.id)).toContain(asset.id);
  }, 240_000);

  it("refuses a target whose migrations differ from the backup's", async () => {
    const broken = path.join(directory, "other-schema");
    await run("cp", ["-r", path.join(directory, "first"), broken]);
    const manifestFile = path.join(broken, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    manifest.database.migrations.push("9999_from_the_future.sql");
    writeFileSync(manifestFile, JSON.stringify(manifest));
    // The target now holds the backup's accounts: its admin is the source's.
    await expect(
      npmScript("restore", ["--from", broken, "--url", target.url, "--local"], { BACKUP_EMAIL: ADMIN, BACKUP_PASSWORD: passwordOf(ADMIN) }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("The target's D1 migrations differ from the backup's"),
    });
  });
});
