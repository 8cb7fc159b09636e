import { SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { makeAdmin } from "../kit/users";
import { postMessage, untilSynced, usersAndGroup } from "../chat/fixtures";
import { sha256Hex, uniquePng, uploadFile } from "../media/fixtures";

async function adminUser(): Promise<TestUser> {
  const admin = await registerUser();
  await makeAdmin(admin);
  return admin;
}

interface RowPage {
  columns: string[];
  rows: unknown[][];
  next: number | null;
}

interface ObjectDescription {
  schema: string[];
  tables: { name: string; rows: number }[];
  skipped: { name: string; why: string; derived: boolean }[];
  afterImport: string[];
  alarm: number | null;
  keys: number;
}

async function restoreStep(admin: TestUser, name: string, body: unknown): Promise<Response> {
  return api(`/v1/admin/restore/objects/chat-room/${name}`, { token: admin.accessToken, body });
}

/** Every row of one table of a chat room, page by page. */
async function roomRows(admin: TestUser, name: string, table: string): Promise<RowPage> {
  const all: RowPage = { columns: [], rows: [], next: null };
  let after = 0;
  for (;;) {
    const page = await json<RowPage>(
      await api(`/v1/admin/backup/objects/chat-room/${name}/tables/${table}?after=${after}&limit=2`, { token: admin.accessToken }),
    );
    all.columns = page.columns.length > 0 ? page.columns : all.columns;
    all.rows.push(...page.rows);
    if (page.next === null) return all;
    after = page.next;
  }
}

describe("GET /v1/admin/backup", () => {
  it("is for admins: 401 without a token, 403 for a user", async () => {
    await expectProblem(await api("/v1/admin/backup"), 401, "unauthorized");
    const user = await registerUser();
    await expectProblem(await api("/v1/admin/backup", { token: user.accessToken }), 403, "forbidden");
    await expectProblem(await api("/v1/admin/backup/files", { token: user.accessToken }), 403, "forbidden");
    await expectProblem(await api("/v1/admin/restore/objects/chat-room/x", { token: user.accessToken, body: { op: "put", entries: [] } }), 403, "forbidden");
  });

  it("lists the migrations and every table a backup copies, parents before the tables that reference them", async () => {
    const admin = await adminUser();
    const backup = await json(await api("/v1/admin/backup", { token: admin.accessToken }));
    expect(backup.migrations.length).toBeGreaterThan(10);
    const names: string[] = backup.tables.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(["users", "sessions", "chats", "chat_members", "studio_assets"]));
    expect(names.indexOf("users")).toBeLessThan(names.indexOf("sessions"));
    expect(names.indexOf("chats")).toBeLessThan(names.indexOf("chat_members"));
    expect(names).not.toContain("d1_migrations");
    // Indexes kept by triggers are rebuilt on restore, not copied; their counts check a restore.
    expect(names).not.toContain("user_name_search");
    expect(backup.derived.map((t: { name: string }) => t.name)).toContain("user_name_search");
    expect(backup.tables.find((t: { name: string }) => t.name === "users").rows).toBeGreaterThan(0);
    expect(backup.objects).toEqual(["chat-room", "user-hub", "call-session", "video-views"]);
  });

  it("pages a table's rows by rowid; an unknown table is 404, a malformed name 400", async () => {
    const admin = await adminUser();
    const first = await json<RowPage>(await api("/v1/admin/backup/tables/users?limit=1", { token: admin.accessToken }));
    expect(first.columns).toContain("email");
    expect(first.rows).toHaveLength(1);
    expect(first.next).not.toBeNull();
    const ids: unknown[] = [];
    let after: number | null = 0;
    while (after !== null) {
      const page: RowPage = await json(await api(`/v1/admin/backup/tables/users?after=${after}&limit=500`, { token: admin.accessToken }));
      ids.push(...page.rows.map((row) => row[page.columns.indexOf("id")]));
      after = page.next;
    }
    expect(ids).toContain(admin.id);
    await expectProblem(await api("/v1/admin/backup/tables/no_such_table", { token: admin.accessToken }), 404, "backup_unknown_table");
    await expectProblem(await api("/v1/admin/backup/tables/d1_migrations", { token: admin.accessToken }), 404, "backup_unknown_table");
    await expectProblem(await api("/v1/admin/backup/tables/users%3Bdrop", { token: admin.accessToken }), 400, "invalid_path");
    await expectProblem(await api("/v1/admin/backup/tables/users?limit=0", { token: admin.accessToken }), 400, "invalid_query");
  });
});

describe("Durable Object state", () => {
  it("lists chat rooms by the chats in D1, and copies one room's messages, search index and keys into another", async () => {
    const admin = await adminUser();
    const { users, chat } = await usersAndGroup(2);
    await postMessage(chat.id, users[0]!, "the orchard walk on Sunday");
    await postMessage(chat.id, users[1]!, "bring the blue basket");
    await postMessage(chat.id, users[0]!, "and apples");

    let names: string[] = [];
    let after: string | null = null;
    do {
      const page: { names: string[]; next: string | null } = await json(
        await api(`/v1/admin/backup/objects/chat-room${after ? `?after=${after}` : ""}`, { token: admin.accessToken }),
      );
      names = names.concat(page.names);
      after = page.next;
    } while (after !== null);
    expect(names).toContain(chat.id);

    // The room tells D1 about its last message after acknowledging it: copy it once that is done.
    await vi.waitFor(async () => expect((await roomRows(admin, chat.id, "room_state")).rows).toContainEqual(["synced_seq", 3]), untilSynced);
    const source = await json<ObjectDescription>(await api(`/v1/admin/backup/objects/chat-room/${chat.id}`, { token: admin.accessToken }));
    expect(source.tables).toEqual(
      expect.arrayContaining([
        { name: "messages", rows: 3 },
        { name: "messages_fts", rows: expect.any(Number) },
      ]),
    );
    expect(source.skipped.map((s) => s.name)).toContain("messages_fts_data");

    const copy = `restored-${chat.id}`;
    const copied = new Map<string, RowPage>();
    for (const { name } of source.tables) copied.set(name, await roomRows(admin, chat.id, name));
    expect((await restoreStep(admin, copy, { op: "reset", schema: source.schema })).status).toBe(200);
    for (const { name } of source.tables) {
      const rows = copied.get(name)!;
      if (rows.rows.length === 0) continue;
      const response = await restoreStep(admin, copy, { op: "insert", table: name, columns: rows.columns, rows: rows.rows });
      expect(response.status, await response.clone().text()).toBe(200);
    }
    const keys = await json<{ entries: [string, unknown][]; next: string | null }>(
      await api(`/v1/admin/backup/objects/chat-room/${chat.id}/keys`, { token: admin.accessToken }),
    );
    expect((await restoreStep(admin, copy, { op: "put", entries: keys.entries })).status).toBe(200);
    expect((await restoreStep(admin, copy, { op: "finish", alarm: source.alarm, afterImport: source.afterImport })).status).toBe(200);

    const restored = await json<ObjectDescription>(await api(`/v1/admin/backup/objects/chat-room/${copy}`, { token: admin.accessToken }));
    expect(restored.tables).toEqual(source.tables);
    expect(restored.keys).toBe(keys.entries.length);
    for (const { name } of source.tables) expect(await roomRows(admin, copy, name)).toEqual(copied.get(name));
    const texts = copied.get("messages")!;
    expect(texts.rows.map((row) => row[texts.columns.indexOf("text")])).toEqual(["the orchard walk on Sunday", "bring the blue basket", "and apples"]);
  });

  it("refuses a restore step it cannot apply with 400 and a table it does not copy with 404", async () => {
    const admin = await adminUser();
    const name = `refusals-${crypto.randomUUID()}`;
    await expectProblem(
      await restoreStep(admin, name, { op: "reset", schema: ["CREATE TABLE things (id TEXT PRIMARY KEY)"] }).then((r) =>
        r.status === 200 ? restoreStep(admin, name, { op: "insert", table: "things", columns: ["colour"], rows: [["red"]] }) : r,
      ),
      400,
      "restore_refused",
    );
    await expectProblem(await restoreStep(admin, name, { op: "insert", table: "nothing_here", columns: ["id"], rows: [["a"]] }), 404, "backup_unknown_table");
    await expectProblem(
      await restoreStep(admin, name, { op: "insert", table: "things", columns: ["id"], rows: [[{ $: "bytes", base64: 7 }]] }),
      400,
      "invalid_body",
    );
    await expectProblem(await restoreStep(admin, name, { op: "reset", schema: ["CREATE TABLE broken ("] }), 400, "restore_refused");
    await expectProblem(await restoreStep(admin, name, { op: "explode" }), 400, "invalid_body");
    await expectProblem(await api("/v1/admin/backup/objects/no-such-kind", { token: admin.accessToken }), 400, "invalid_path");
  });
});

describe("POST /v1/admin/restore/objects/{kind}/{name}/rewind", () => {
  it("is for admins, takes an ISO time, and says so where the runtime has no point-in-time recovery", async () => {
    const user = await registerUser();
    const admin = await adminUser();
    const route = `/v1/admin/restore/objects/chat-room/${crypto.randomUUID()}/rewind`;
    await expectProblem(await api(route, { body: { at: new Date().toISOString() } }), 401, "unauthorized");
    await expectProblem(await api(route, { token: user.accessToken, body: { at: new Date().toISOString() } }), 403, "forbidden");
    await expectProblem(await api(route, { token: admin.accessToken, body: { at: "yesterday" } }), 400, "invalid_body");
    const response = await api(route, { token: admin.accessToken, body: { at: new Date(Date.now() - 60_000).toISOString() } });
    // Cloudflare answers the bookmarks; the local runtime has no bookmarks to go back to.
    if (response.status === 200) expect(await json(response)).toEqual({ restored: expect.any(String), undo: expect.any(String) });
    else await expectProblem(response, 400, "restore_refused");
  });
});

describe("R2 objects", () => {
  it("lists every object with its metadata, reads its bytes and writes them back only with the recorded SHA-256", async () => {
    const admin = await adminUser();
    const bytes = uniquePng();
    const file = await uploadFile(admin, bytes, { purpose: "image" });
    const key = `blobs/${file.sha256}`;
    const listed: { key: string; size: number; httpMetadata: Record<string, string>; customMetadata: Record<string, string> }[] = [];
    let cursor: string | null = null;
    do {
      const page: { objects: typeof listed; cursor: string | null } = await json(
        await api(`/v1/admin/backup/files${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, { token: admin.accessToken }),
      );
      listed.push(...page.objects);
      cursor = page.cursor;
    } while (cursor !== null);
    const stored = listed.find((object) => object.key.endsWith(file.sha256)) ?? listed.find((object) => object.size === bytes.length);
    expect(stored, JSON.stringify(listed.slice(0, 3))).toBeDefined();

    const content = await api(`/v1/admin/backup/file?key=${encodeURIComponent(stored!.key)}`, { token: admin.accessToken });
    expect(content.status).toBe(200);
    const metadata = content.headers.get("x-backup-metadata")!;
    expect(JSON.parse(decodeURIComponent(metadata))).toEqual({ httpMetadata: stored!.httpMetadata, customMetadata: stored!.customMetadata });
    const read = new Uint8Array(await content.arrayBuffer());
    expect(await sha256Hex(read)).toBe(file.sha256);

    const put = (target: string, sha256: string, header = metadata) =>
      SELF.fetch(`http://platform.test/v1/admin/restore/file?key=${encodeURIComponent(target)}`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${admin.accessToken}`,
          "x-backup-metadata": header,
          "x-content-sha256": sha256,
          "content-length": String(read.length),
        },
        body: read,
      });
    const target = `restore-test/${key}`;
    const written = await put(target, file.sha256);
    expect(written.status, await written.clone().text()).toBe(200);
    const back = await api(`/v1/admin/backup/file?key=${encodeURIComponent(target)}`, { token: admin.accessToken });
    expect(await sha256Hex(new Uint8Array(await back.arrayBuffer()))).toBe(file.sha256);
    expect(back.headers.get("x-backup-metadata")).toBe(metadata);

    await expectProblem(await put(`restore-test/other-${file.sha256}`, "0".repeat(64)), 400, "restore_checksum_mismatch");
    await expectProblem(
      await api(`/v1/admin/backup/file?key=${encodeURIComponent(`restore-test/other-${file.sha256}`)}`, { token: admin.accessToken }),
      404,
      "not_found",
    );
    await expectProblem(await put(`restore-test/bad-${file.sha256}`, file.sha256, "not-json"), 400, "invalid_header");
    await expectProblem(await api(`/v1/admin/backup/file`, { token: admin.accessToken }), 400, "invalid_query");
  });
});
