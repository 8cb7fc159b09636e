import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { blobRefCount, createBox, createProject, insertAssetRow, listAssets, studioOwner, uniquePng, uploadAsset, uploadFile } from "./fixtures";

describe("studio library: access rules on every route", () => {
  it("every route answers 401 without a token and 404 for another user's project, box or asset", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const box = boxes[0]!;
    const { asset } = await uploadAsset(user, box.id);
    const stranger = await registerUser();
    const strangersFile = await uploadFile(stranger, uniquePng());
    const routes: { method: string; path: string; body?: unknown }[] = [
      { method: "GET", path: `/v1/studio/projects/${project.id}` },
      { method: "PATCH", path: `/v1/studio/projects/${project.id}`, body: { name: "x" } },
      { method: "DELETE", path: `/v1/studio/projects/${project.id}` },
      { method: "POST", path: `/v1/studio/projects/${project.id}/boxes`, body: { name: "x" } },
      { method: "GET", path: `/v1/studio/projects/${project.id}/boxes` },
      { method: "GET", path: `/v1/studio/projects/${project.id}/assets` },
      { method: "PUT", path: `/v1/studio/projects/${project.id}/boxes/order`, body: { boxIds: [box.id] } },
      { method: "PATCH", path: `/v1/studio/boxes/${box.id}`, body: { name: "x" } },
      { method: "DELETE", path: `/v1/studio/boxes/${box.id}` },
      { method: "GET", path: `/v1/studio/boxes/${box.id}/assets` },
      { method: "POST", path: `/v1/studio/boxes/${box.id}/assets`, body: { fileId: strangersFile.id } },
      { method: "GET", path: `/v1/studio/assets/${asset.id}` },
      { method: "PATCH", path: `/v1/studio/assets/${asset.id}`, body: { favorite: true } },
      { method: "DELETE", path: `/v1/studio/assets/${asset.id}` },
    ];
    for (const route of [...routes, { method: "GET", path: "/v1/studio/projects" }, { method: "POST", path: "/v1/studio/projects", body: { name: "x" } }]) {
      await expectProblem(await api(route.path, { method: route.method, body: route.body }), 401);
    }
    for (const route of routes) {
      const problem = await expectProblem(await api(route.path, { method: route.method, body: route.body, token: stranger.accessToken }), 404, "not_found");
      expect(problem.detail, `${route.method} ${route.path}`).not.toContain(user.id);
    }
    // Nothing of the owner's changed.
    expect((await json(await api(`/v1/studio/projects/${project.id}`, { token: user.accessToken }))).name).toBe(project.name);
    expect((await listAssets(user, box.id)).items.map((item) => item.id)).toEqual([asset.id]);
  });

  it("malformed bodies, paths and queries are 400 problems", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const token = user.accessToken;
    await expectProblem(await api("/v1/studio/projects", { token, body: { name: "" } }), 400, "invalid_body");
    await expectProblem(await api("/v1/studio/projects", { token, body: "{not json" }), 400);
    await expectProblem(await api("/v1/studio/projects", { token, body: { name: "x", extra: 1 } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/projects/${project.id}`, { method: "PATCH", token, body: { name: 5 } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/projects/${project.id}/boxes`, { token, body: {} }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/projects/${project.id}/boxes/order`, { method: "PUT", token, body: { boxIds: "x" } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}`, { method: "PATCH", token, body: { orderIndex: 3 } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets`, { token, body: { fileId: "" } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets?type=audio`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets?favorite=yes`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/studio/projects/${project.id}/assets?status=done`, { token }), 400, "invalid_query");
    await expectProblem(await api(`/v1/studio/projects/${project.id}/assets?cursor=garbage`, { token }), 400, "invalid_cursor");
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets?cursor=garbage`, { token }), 400, "invalid_cursor");
    await expectProblem(await api("/v1/studio/projects?limit=0", { token }), 400, "invalid_query");
    await expectProblem(await api("/v1/studio/assets/x", { method: "PATCH", token, body: { favorite: "yes" } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/studio/projects/${"x".repeat(65)}`, { token }), 400, "invalid_path");
  });
});

describe("projects", () => {
  it("are created, listed newest first with cursors, renamed and read", async () => {
    const user = await registerUser();
    const made = [];
    for (const name of ["One", "Two", "Three"]) made.push(await createProject(user, name));
    const first = await json(await api("/v1/studio/projects?limit=2", { token: user.accessToken }));
    expect(first.items.map((p: any) => p.name)).toEqual(["Three", "Two"]);
    const second = await json(await api(`/v1/studio/projects?limit=2&cursor=${first.nextCursor}`, { token: user.accessToken }));
    expect(second).toEqual({ items: [expect.objectContaining({ name: "One" })], nextCursor: null });

    const renamed = await json(await api(`/v1/studio/projects/${made[0]!.id}`, { method: "PATCH", token: user.accessToken, body: { name: "  Renamed " } }));
    expect(renamed).toEqual({ id: made[0]!.id, name: "Renamed", boxCount: 0, assetCount: 0, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(await json(await api(`/v1/studio/projects/${made[0]!.id}`, { token: user.accessToken }))).toEqual(renamed);
    // Another user sees none of them.
    const other = await registerUser();
    expect(await json(await api("/v1/studio/projects", { token: other.accessToken }))).toEqual({ items: [], nextCursor: null });
  });

  it("deleting a project removes its boxes and assets and drops their file references", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const { asset, file } = await uploadAsset(user, boxes[0]!.id);
    await uploadAsset(user, boxes[1]!.id);
    expect(await blobRefCount(file.sha256)).toBe(2);

    expect((await api(`/v1/studio/projects/${project.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/studio/projects/${project.id}`, { token: user.accessToken }), 404);
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets`, { token: user.accessToken }), 404);
    await expectProblem(await api(`/v1/studio/assets/${asset.id}`, { token: user.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${asset.fileId}`, { token: user.accessToken }), 404);
    // The original upload keeps its reference; the asset's copy dropped its own.
    expect(await blobRefCount(file.sha256)).toBe(1);
    await expectProblem(await api(`/v1/studio/projects/${project.id}`, { method: "DELETE", token: user.accessToken }), 404);
  });
});

describe("boxes", () => {
  it("are appended in order and listed by orderIndex", async () => {
    const { user, project, boxes } = await studioOwner(3);
    expect(boxes.map((box) => box.orderIndex)).toEqual([0, 1, 2]);
    expect(boxes[0]).toMatchObject({ projectId: project.id, name: "Shot 1", headlinerAssetId: null, unreadComments: 0 });
    const listed = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(listed.items.map((box: any) => box.id)).toEqual(boxes.map((box) => box.id));
  });

  it("reorder takes every box of the project exactly once, in one request", async () => {
    const { user, project, boxes } = await studioOwner(3);
    const [a, b, c] = boxes.map((box) => box.id) as [string, string, string];
    const path = `/v1/studio/projects/${project.id}/boxes/order`;
    const reorder = (boxIds: string[]) => api(path, { method: "PUT", token: user.accessToken, body: { boxIds } });

    const answer = await json(await reorder([c, a, b]));
    expect(answer.items.map((box: any) => [box.id, box.orderIndex])).toEqual([
      [c, 0],
      [a, 1],
      [b, 2],
    ]);
    const other = await studioOwner(1);
    await expectProblem(await reorder([c, a]), 400, "invalid_order");
    await expectProblem(await reorder([c, a, a]), 400, "invalid_order");
    await expectProblem(await reorder([c, a, b, b]), 400, "invalid_order");
    await expectProblem(await reorder([c, a, other.boxes[0]!.id]), 400, "invalid_order");
    await expectProblem(await reorder([]), 400, "invalid_order");
    // A refused reorder changed nothing.
    const listed = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(listed.items.map((box: any) => box.id)).toEqual([c, a, b]);
    // A new box goes after the last.
    expect((await createBox(user, project.id, "Last")).orderIndex).toBe(3);
  });

  it("renames, sets and clears a headliner of its own assets only", async () => {
    const { user, boxes } = await studioOwner(2);
    const [one, two] = boxes as [any, any];
    const { asset } = await uploadAsset(user, one.id);
    const { asset: elsewhere } = await uploadAsset(user, two.id);
    const patch = (body: unknown) => api(`/v1/studio/boxes/${one.id}`, { method: "PATCH", token: user.accessToken, body });

    expect(await json(await patch({ name: "Opening", headlinerAssetId: asset.id }))).toMatchObject({ id: one.id, name: "Opening", headlinerAssetId: asset.id });
    await expectProblem(await patch({ headlinerAssetId: elsewhere.id }), 400, "invalid_headliner");
    await expectProblem(await patch({ headlinerAssetId: "no-such-asset" }), 400, "invalid_headliner");
    expect((await json(await api(`/v1/studio/assets/${asset.id}`, { token: user.accessToken }))).expiresAt).toBeNull();
    expect(await json(await patch({ headlinerAssetId: null }))).toMatchObject({ headlinerAssetId: null });
    expect((await json(await api(`/v1/studio/assets/${asset.id}`, { token: user.accessToken }))).expiresAt).toEqual(expect.any(String));
  });

  it("deleting a box deletes its assets and their files; deleting the headliner asset clears it", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const { asset, file } = await uploadAsset(user, boxes[0]!.id);
    const { asset: kept } = await uploadAsset(user, boxes[1]!.id);
    await api(`/v1/studio/boxes/${boxes[1]!.id}`, { method: "PATCH", token: user.accessToken, body: { headlinerAssetId: kept.id } });

    expect((await api(`/v1/studio/boxes/${boxes[0]!.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/studio/assets/${asset.id}`, { token: user.accessToken }), 404);
    expect(await blobRefCount(file.sha256)).toBe(1);
    const listed = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(listed.items.map((box: any) => box.id)).toEqual([boxes[1]!.id]);

    expect((await api(`/v1/studio/assets/${kept.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect((await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }))).items[0].headlinerAssetId).toBeNull();
  });
});

describe("assets", () => {
  it("an uploaded file becomes an asset with its own reference to the bytes", async () => {
    const { user, boxes } = await studioOwner(1);
    const { asset, file } = await uploadAsset(user, boxes[0]!.id);
    expect(asset).toMatchObject({
      boxId: boxes[0]!.id,
      type: "image",
      status: "completed",
      source: "uploaded",
      favorite: false,
      prompt: "",
      params: {},
      parentAssetId: null,
    });
    expect(asset.fileId).not.toBe(file.id);
    expect(new Date(asset.expiresAt).getTime() - new Date(asset.createdAt).getTime()).toBe(10 * 86_400_000);
    expect(await blobRefCount(file.sha256)).toBe(2);
    // Deleting the original upload leaves the asset's bytes.
    expect((await api(`/v1/files/${file.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    const content = await api(`/v1/files/${asset.fileId}/content`, { token: user.accessToken });
    expect(content.status).toBe(200);
    expect(content.headers.get("content-type")).toBe("image/png");
    await content.arrayBuffer();
    // Deleting the asset drops the last reference.
    expect((await api(`/v1/studio/assets/${asset.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect(await blobRefCount(file.sha256)).toBe(0);
    await expectProblem(await api(`/v1/studio/assets/${asset.id}`, { method: "DELETE", token: user.accessToken }), 404);
  });

  it("a video file becomes a video asset; other files and other users' files are refused", async () => {
    const { user, boxes } = await studioOwner(1);
    const { samples } = await import("./fixtures");
    const video = await uploadFile(user, samples.mp4, { purpose: "asset" });
    const made = await json(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets`, { token: user.accessToken, body: { fileId: video.id } }));
    expect(made).toMatchObject({ type: "video", source: "uploaded" });
    const pdf = await uploadFile(user, samples.pdf, { purpose: "attachment" });
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets`, { token: user.accessToken, body: { fileId: pdf.id } }), 400, "invalid_file");
    const stranger = await registerUser();
    const theirs = await uploadFile(stranger, uniquePng());
    await expectProblem(await api(`/v1/studio/boxes/${boxes[0]!.id}/assets`, { token: user.accessToken, body: { fileId: theirs.id } }), 404);
  });

  it("favourite is set and cleared; favourites do not expire", async () => {
    const { user, boxes } = await studioOwner(1);
    const { asset } = await uploadAsset(user, boxes[0]!.id);
    const patch = (body: unknown) => api(`/v1/studio/assets/${asset.id}`, { method: "PATCH", token: user.accessToken, body });
    expect(await json(await patch({ favorite: true }))).toMatchObject({ id: asset.id, favorite: true, expiresAt: null });
    expect(await json(await patch({}))).toMatchObject({ favorite: true });
    expect(await json(await patch({ favorite: false }))).toMatchObject({ favorite: false, expiresAt: asset.expiresAt });
  });

  it("lists filter by type, status and favourite, newest first with cursors", async () => {
    const { user, boxes } = await studioOwner(1);
    const box = boxes[0]!.id;
    const base = Date.now();
    const ids = {
      image: await insertAssetRow({ boxId: box, ownerId: user.id, createdAt: base + 1 }),
      video: await insertAssetRow({ boxId: box, ownerId: user.id, type: "video", createdAt: base + 2 }),
      failed: await insertAssetRow({ boxId: box, ownerId: user.id, status: "failed", createdAt: base + 3 }),
      favourite: await insertAssetRow({ boxId: box, ownerId: user.id, favorite: true, createdAt: base + 4 }),
      pending: await insertAssetRow({ boxId: box, ownerId: user.id, status: "pending", createdAt: base + 5 }),
    };
    const idsOf = async (query: string) => (await listAssets(user, box, query)).items.map((item) => item.id);
    expect(await idsOf("")).toEqual([ids.pending, ids.favourite, ids.failed, ids.video, ids.image]);
    expect(await idsOf("?type=video")).toEqual([ids.video]);
    expect(await idsOf("?status=failed")).toEqual([ids.failed]);
    expect(await idsOf("?status=pending&type=image")).toEqual([ids.pending]);
    expect(await idsOf("?favorite=true")).toEqual([ids.favourite]);
    expect(await idsOf("?favorite=false&type=image&status=completed")).toEqual([ids.image]);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { items: any[]; nextCursor: string | null } = await listAssets(user, box, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([[ids.pending, ids.favourite], [ids.failed, ids.video], [ids.image]]);
  });

  it("q searches prompts word by word; quotes and operators never fail", async () => {
    const { user, boxes } = await studioOwner(2);
    const box = boxes[0]!.id;
    const fox = await insertAssetRow({ boxId: box, ownerId: user.id, prompt: "A quick brown fox, cinematic lighting" });
    const dog = await insertAssetRow({ boxId: box, ownerId: user.id, prompt: "lazy dog sleeping in the sun" });
    const both = await insertAssetRow({ boxId: box, ownerId: user.id, prompt: "Fox and dog — Été at dusk" });
    await insertAssetRow({ boxId: boxes[1]!.id, ownerId: user.id, prompt: "fox in another box" });
    const search = async (q: string) => (await listAssets(user, box, `?q=${encodeURIComponent(q)}`)).items.map((item) => item.id);

    expect(await search("fox")).toEqual([both, fox]);
    expect(await search("FOX dog")).toEqual([both]);
    expect(await search("cinema")).toEqual([fox]);
    expect(await search("ete")).toEqual([both]);
    expect(await search("cat")).toEqual([]);
    expect(await search("   ")).toEqual([both, dog, fox]);
    for (const q of [
      '"',
      '"fox',
      "fox OR dog",
      "NOT fox",
      "fox*",
      "^fox",
      "prompt:fox",
      "(fox",
      "NEAR(fox dog)",
      "'; DROP TABLE studio_assets; --",
      "***",
      "-",
      "fox AND",
      '""""',
    ]) {
      const response = await api(`/v1/studio/boxes/${box}/assets?q=${encodeURIComponent(q)}`, { token: user.accessToken });
      expect(response.status, q).toBe(200);
      await response.arrayBuffer();
    }
    expect(await search("fox OR cat")).toEqual([]);
    expect(await search('"fox"')).toEqual([both, fox]);
  });
});

describe("the project's assets and counts", () => {
  it("lists every box's assets newest first with the box filters, and never another project's", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const [first, second] = [boxes[0]!, boxes[1]!];
    const other = await createProject(user, "Other");
    const otherBox = await createBox(user, other.id);
    const a = await insertAssetRow({ boxId: first.id, ownerId: user.id, prompt: "red fox", favorite: true });
    const b = await insertAssetRow({ boxId: second.id, ownerId: user.id, prompt: "blue whale", type: "video" });
    const c = await insertAssetRow({ boxId: first.id, ownerId: user.id, prompt: "red barn", status: "failed" });
    await insertAssetRow({ boxId: otherBox.id, ownerId: user.id, prompt: "red herring", favorite: true });
    const list = async (query = "") => {
      const page = await json(await api(`/v1/studio/projects/${project.id}/assets${query}`, { token: user.accessToken }));
      return page.items.map((item: { id: string }) => item.id);
    };
    expect(await list()).toEqual([c, b, a]);
    expect(await list("?favorite=true")).toEqual([a]);
    expect(await list("?type=video")).toEqual([b]);
    expect(await list("?status=failed")).toEqual([c]);
    expect(await list("?q=red")).toEqual([c, a]);
    const page = await json(await api(`/v1/studio/projects/${project.id}/assets?limit=2`, { token: user.accessToken }));
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([c, b]);
    const rest = await json(await api(`/v1/studio/projects/${project.id}/assets?limit=2&cursor=${page.nextCursor}`, { token: user.accessToken }));
    expect(rest).toMatchObject({ items: [{ id: a }], nextCursor: null });
  });

  it("walks the owner's asset index in order: no sort of the project's assets", async () => {
    const { env } = await import("cloudflare:workers");
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM studio_assets WHERE owner_id = ? AND box_id IN (SELECT id FROM studio_boxes WHERE project_id = ?) AND favorite = 1 ORDER BY id DESC LIMIT 51`,
    )
      .bind("u", "p")
      .all<{ detail: string }>();
    const details = plan.results.map((row) => row.detail).join("\n");
    expect(details).toContain("studio_assets_owner_idx");
    expect(details).not.toContain("TEMP B-TREE");
  });

  it("projects count their boxes and assets, boxes their assets", async () => {
    const { user, project, boxes } = await studioOwner(2);
    await insertAssetRow({ boxId: boxes[0]!.id, ownerId: user.id });
    await insertAssetRow({ boxId: boxes[0]!.id, ownerId: user.id });
    await insertAssetRow({ boxId: boxes[1]!.id, ownerId: user.id, status: "pending" });
    const read = await json(await api(`/v1/studio/projects/${project.id}`, { token: user.accessToken }));
    expect(read).toMatchObject({ boxCount: 2, assetCount: 3 });
    const listed = await json(await api("/v1/studio/projects", { token: user.accessToken }));
    expect(listed.items[0]).toMatchObject({ id: project.id, boxCount: 2, assetCount: 3 });
    const renamed = await json(await api(`/v1/studio/projects/${project.id}`, { method: "PATCH", token: user.accessToken, body: { name: "New" } }));
    expect(renamed).toMatchObject({ name: "New", boxCount: 2, assetCount: 3 });
    const fresh = await createProject(user, "Empty");
    expect(fresh).toMatchObject({ boxCount: 0, assetCount: 0 });
    const listedBoxes = await json(await api(`/v1/studio/projects/${project.id}/boxes`, { token: user.accessToken }));
    expect(listedBoxes.items.map((box: { assetCount: number }) => box.assetCount)).toEqual([2, 1]);
    expect(await createBox(user, project.id)).toMatchObject({ assetCount: 0 });
  });

  it("assets name their model: a built-in one, a stored one, none for uploads", async () => {
    const { user, boxes } = await studioOwner(1);
    const box = boxes[0]!;
    const { env } = await import("cloudflare:workers");
    const now = Date.now();
    await env.DB.prepare(
      "INSERT OR IGNORE INTO studio_providers (id, name, base_url, headers, created_at, updated_at) VALUES ('named-provider', 'Named', 'https://example.com', '{}', ?, ?)",
    )
      .bind(now, now)
      .run();
    await env.DB.prepare(
      `INSERT OR IGNORE INTO studio_models (id, provider_id, name, kind, method, endpoint, request_template, params_schema, response_mapping, created_at)
       VALUES ('named-model', 'named-provider', 'Named Model 2', 'image', 'POST', '/x', '{}', '{"type":"object"}', '{}', ?)`,
    )
      .bind(now)
      .run();
    const builtIn = await insertAssetRow({ boxId: box.id, ownerId: user.id, modelId: "dev-image" });
    const stored = await insertAssetRow({ boxId: box.id, ownerId: user.id, modelId: "named-model" });
    const gone = await insertAssetRow({ boxId: box.id, ownerId: user.id, modelId: "no-such-model" });
    const { asset: uploaded } = await uploadAsset(user, box.id);
    const names = Object.fromEntries((await listAssets(user, box.id)).items.map((item) => [item.id, item.modelName]));
    expect(names[builtIn]).toMatch(/^Development image/);
    expect(names[stored]).toBe("Named Model 2");
    expect(names[gone]).toBeNull();
    expect(names[uploaded.id]).toBeNull();
    expect(uploaded.modelName).toBeNull();
    expect((await json(await api(`/v1/studio/assets/${stored}`, { token: user.accessToken }))).modelName).toBe("Named Model 2");
  });
});

describe("prompt search index", () => {
  it("follows prompt changes and deletions, and is rebuilt from the assets", async () => {
    const { env } = await import("cloudflare:workers");
    const { createDatabase } = await import("../../shared/db/client");
    const { rebuildAssetSearch } = await import("../../shared/studio/library/records");
    const { user, boxes } = await studioOwner(1);
    const box = boxes[0]!.id;
    const id = await insertAssetRow({ boxId: box, ownerId: user.id, prompt: "violet meadow" });
    const gone = await insertAssetRow({ boxId: box, ownerId: user.id, prompt: "violet storm" });
    const search = async (q: string) => (await listAssets(user, box, `?q=${encodeURIComponent(q)}`)).items.map((item) => item.id);

    await env.DB.prepare("UPDATE studio_assets SET prompt = 'amber meadow' WHERE id = ?").bind(id).run();
    expect(await search("amber")).toEqual([id]);
    expect(await search("violet")).toEqual([gone]);
    expect((await api(`/v1/studio/assets/${gone}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect(await search("violet")).toEqual([]);

    await env.DB.prepare("DELETE FROM studio_asset_search").run();
    expect(await search("amber")).toEqual([]);
    await rebuildAssetSearch(createDatabase(env.DB));
    expect(await search("amber meadow")).toEqual([id]);
  });
});

describe("account data", () => {
  it("the export holds the studio and deleting the account removes it", async () => {
    const { user, project, boxes } = await studioOwner(1);
    const { asset, file } = await uploadAsset(user, boxes[0]!.id);
    const link = await json(await api(`/v1/studio/projects/${project.id}/shares`, { token: user.accessToken, body: {} }));
    expect((await api(`/v1/studio/shared/${link.token}/boxes/${boxes[0]!.id}/comments`, { body: { authorName: "Ann", text: "Nice" } })).status).toBe(201);
    const exported = await json(await api("/v1/me/export", { token: user.accessToken }));
    expect(exported.modules.studio.projects).toEqual([expect.objectContaining({ id: project.id })]);
    expect(exported.modules.studio.boxes).toEqual([expect.objectContaining({ id: boxes[0]!.id, projectId: project.id })]);
    expect(exported.modules.studio.assets).toEqual([expect.objectContaining({ id: asset.id, fileId: asset.fileId })]);
    expect(exported.modules.studio.shareLinks).toEqual([{ id: link.id, projectId: project.id, expiresAt: null, createdAt: expect.any(String) }]);
    expect(exported.modules.studio.comments).toEqual([expect.objectContaining({ boxId: boxes[0]!.id, authorName: "Ann", text: "Nice", byOwner: false })]);
    expect(JSON.stringify(exported.modules.studio)).not.toContain(link.token);

    const response = await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } });
    expect(response.status, await response.text()).toBe(204);
    const { env } = await import("cloudflare:workers");
    const left = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM studio_projects WHERE owner_id = ?1) + (SELECT count(*) FROM studio_boxes WHERE owner_id = ?1) + (SELECT count(*) FROM studio_assets WHERE owner_id = ?1)
        + (SELECT count(*) FROM studio_share_links WHERE owner_id = ?1) + (SELECT count(*) FROM studio_comments WHERE owner_id = ?1) AS n`,
    )
      .bind(user.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await blobRefCount(file.sha256)).toBe(0);
  });
});
