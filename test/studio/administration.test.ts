import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser, uniqueIp } from "../helpers";
import { auditDetails } from "../kit/audit";
import { makeAdmin, makeModerator } from "../kit/users";
import { blobRefCount, studioOwner, uploadAsset } from "./fixtures";

/** Studio administration: /v1/admin/studio/... (docs/studio.md#administration). */

async function operator(role: "moderator" | "admin" = "moderator") {
  const user = await registerUser();
  await (role === "admin" ? makeAdmin(user) : makeModerator(user));
  return user;
}

async function shareOf(token: string, projectId: string): Promise<string> {
  const response = await api(`/v1/studio/projects/${projectId}/shares`, { token, body: {} });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function comment(shareToken: string, boxId: string, text: string) {
  const response = await api(`/v1/studio/shared/${shareToken}/boxes/${boxId}/comments`, { body: { authorName: "Visitor", text }, ip: uniqueIp() });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string };
}

describe("GET /v1/admin/studio/{kind}", () => {
  it("lists every user's projects, boxes, assets and comments with their owners, searchable and paged", async () => {
    const mod = await operator();
    const word = `zebra${crypto.randomUUID().slice(0, 8)}`;
    const { user, project, boxes } = await studioOwner(2);
    await api(`/v1/studio/projects/${project.id}`, { method: "PATCH", token: user.accessToken, body: { name: `Project ${word}` } });
    const link = await shareOf(user.accessToken, project.id);
    await comment(link, boxes[0]!.id, `Nice ${word}`);
    const { asset } = await uploadAsset(user, boxes[0]!.id);

    const projects = await json(await api(`/v1/admin/studio/projects?q=${word}`, { token: mod.accessToken }));
    expect(projects.items).toEqual([
      expect.objectContaining({ kind: "projects", id: project.id, text: `Project ${word}`, owner: { id: user.id, email: user.email, displayName: expect.any(String) }, hidden: null }),
    ]);
    const comments = await json(await api(`/v1/admin/studio/comments?q=${word}`, { token: mod.accessToken }));
    expect(comments.items).toEqual([expect.objectContaining({ text: `Nice ${word}`, detail: "Visitor", boxId: boxes[0]!.id, projectId: project.id })]);
    // The owner's e-mail finds their rows too.
    const byOwner = await json(await api(`/v1/admin/studio/boxes?q=${encodeURIComponent(user.email)}&limit=1`, { token: mod.accessToken }));
    expect(byOwner.items.map((item: { id: string }) => item.id)).toEqual([boxes[1]!.id]);
    const next = await json(await api(`/v1/admin/studio/boxes?q=${encodeURIComponent(user.email)}&limit=1&cursor=${byOwner.nextCursor}`, { token: mod.accessToken }));
    expect(next.items.map((item: { id: string }) => item.id)).toEqual([boxes[0]!.id]);
    const assets = await json(await api(`/v1/admin/studio/assets?q=${encodeURIComponent(user.email)}`, { token: mod.accessToken }));
    expect(assets.items).toEqual([expect.objectContaining({ id: asset.id, detail: "image · completed", projectId: project.id })]);
  });

  it("401 without a token, 403 for a plain user, 400 for an unknown kind or a bad filter", async () => {
    const plain = await registerUser();
    const mod = await operator();
    await expectProblem(await api("/v1/admin/studio/projects"), 401);
    await expectProblem(await api("/v1/admin/studio/projects", { token: plain.accessToken }), 403, "forbidden");
    await expectProblem(await api("/v1/admin/studio/users", { token: mod.accessToken }), 400);
    await expectProblem(await api("/v1/admin/studio/assets?hidden=maybe", { token: mod.accessToken }), 400);
    await expectProblem(await api("/v1/admin/studio/assets?limit=0", { token: mod.accessToken }), 400);
  });
});

describe("POST /v1/admin/studio/{kind}/{id}/hide and /unhide", () => {
  it("a hidden project's share link answers 404 until it is shown again; the owner still sees it; both audited", async () => {
    const mod = await operator();
    const { user, project } = await studioOwner(1);
    const link = await shareOf(user.accessToken, project.id);

    const hide = await api(`/v1/admin/studio/projects/${project.id}/hide`, { token: mod.accessToken, body: { reason: "Copyrighted pictures" } });
    expect(hide.status).toBe(204);
    await expectProblem(await api(`/v1/studio/shared/${link}`), 404);
    expect((await api(`/v1/studio/projects/${project.id}`, { token: user.accessToken })).status).toBe(200);
    const hidden = await json(await api(`/v1/admin/studio/projects?hidden=true&q=${encodeURIComponent(user.email)}`, { token: mod.accessToken }));
    expect(hidden.items).toEqual([expect.objectContaining({ id: project.id, hidden: { at: expect.any(String), reason: "Copyrighted pictures" } })]);

    expect((await api(`/v1/admin/studio/projects/${project.id}/unhide`, { token: mod.accessToken, method: "POST" })).status).toBe(204);
    expect((await api(`/v1/studio/shared/${link}`)).status).toBe(200);

    expect(await auditDetails(mod.id, "studio.item_hidden")).toEqual([{ kind: "project", targetId: project.id, ownerId: user.id, reason: "Copyrighted pictures" }]);
    expect(await auditDetails(mod.id, "studio.item_unhidden")).toEqual([{ kind: "project", targetId: project.id, ownerId: user.id }]);
  });

  it("hidden boxes, assets and comments vanish from the shared view and its comments", async () => {
    const mod = await operator();
    const { user, project, boxes } = await studioOwner(2);
    const { asset } = await uploadAsset(user, boxes[0]!.id);
    const link = await shareOf(user.accessToken, project.id);
    const kept = await comment(link, boxes[0]!.id, "kept");
    const rude = await comment(link, boxes[0]!.id, "rude");

    for (const [kind, id] of [
      ["boxes", boxes[1]!.id],
      ["assets", asset.id],
      ["comments", rude.id],
    ] as const) {
      expect((await api(`/v1/admin/studio/${kind}/${id}/hide`, { token: mod.accessToken, body: { reason: "Abuse" } })).status).toBe(204);
    }
    const view = await json(await api(`/v1/studio/shared/${link}`));
    expect(view.boxes.map((box: { id: string }) => box.id)).toEqual([boxes[0]!.id]);
    expect(view.boxes[0].assets).toEqual([]);
    const page = await (await api(`/v1/studio/shared/${link}`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain("kept");
    expect(page).not.toContain("rude");
    // A visitor cannot comment on a hidden box either.
    await expectProblem(
      await api(`/v1/studio/shared/${link}/boxes/${boxes[1]!.id}/comments`, { body: { authorName: "V", text: "hi" }, ip: uniqueIp() }),
      404,
    );
    expect(kept.id).toBeTruthy();
  });

  it("400 without a reason, 404 for an unknown row, 403 for a plain user", async () => {
    const mod = await operator();
    const plain = await registerUser();
    const { project } = await studioOwner(1);
    await expectProblem(await api(`/v1/admin/studio/projects/${project.id}/hide`, { token: mod.accessToken, body: { reason: "  " } }), 400);
    await expectProblem(await api(`/v1/admin/studio/projects/${project.id}/hide`, { token: mod.accessToken, body: { reason: "x", extra: 1 } }), 400);
    await expectProblem(await api("/v1/admin/studio/assets/nope/hide", { token: mod.accessToken, body: { reason: "x" } }), 404);
    await expectProblem(await api(`/v1/admin/studio/projects/${project.id}/hide`, { token: plain.accessToken, body: { reason: "x" } }), 403, "forbidden");
    await expectProblem(await api(`/v1/admin/studio/projects/${project.id}/unhide`, { method: "POST" }), 401);
  });
});

describe("DELETE /v1/admin/studio/{kind}/{id}", () => {
  it("deletes through the owner's own delete (files released), audited with the operator, owner and reason", async () => {
    const admin = await operator("admin");
    const { user, project, boxes } = await studioOwner(1);
    const { asset, file } = await uploadAsset(user, boxes[0]!.id);
    expect(await blobRefCount(file.sha256)).toBe(2);

    const deleted = await api(`/v1/admin/studio/assets/${asset.id}`, { method: "DELETE", token: admin.accessToken, body: { reason: "Illegal content" } });
    expect(deleted.status).toBe(204);
    await expectProblem(await api(`/v1/studio/assets/${asset.id}`, { token: user.accessToken }), 404);
    // The asset's own copy of the file is gone; the owner's upload still holds its reference.
    expect(await blobRefCount(file.sha256)).toBe(1);

    expect((await api(`/v1/admin/studio/projects/${project.id}`, { method: "DELETE", token: admin.accessToken, body: { reason: "Spam" } })).status).toBe(204);
    await expectProblem(await api(`/v1/studio/projects/${project.id}`, { token: user.accessToken }), 404);
    expect(await auditDetails(admin.id, "studio.item_deleted")).toEqual([
      { kind: "asset", targetId: asset.id, ownerId: user.id, reason: "Illegal content" },
      { kind: "project", targetId: project.id, ownerId: user.id, reason: "Spam" },
    ]);
  });

  it("deletes a visitor's comment; 400 without a reason, 404 when gone, 403 for a plain user, 401 without a token", async () => {
    const mod = await operator();
    const plain = await registerUser();
    const { user, project, boxes } = await studioOwner(1);
    const link = await shareOf(user.accessToken, project.id);
    const spam = await comment(link, boxes[0]!.id, "buy now");
    const path = `/v1/admin/studio/comments/${spam.id}`;
    await expectProblem(await api(path, { method: "DELETE", body: { reason: "Spam" } }), 401);
    await expectProblem(await api(path, { method: "DELETE", token: plain.accessToken, body: { reason: "Spam" } }), 403, "forbidden");
    await expectProblem(await api(path, { method: "DELETE", token: mod.accessToken, body: {} }), 400);
    expect((await api(path, { method: "DELETE", token: mod.accessToken, body: { reason: "Spam" } })).status).toBe(204);
    const comments = await json(await api(`/v1/studio/boxes/${boxes[0]!.id}/comments`, { token: user.accessToken }));
    expect(comments.items).toEqual([]);
    await expectProblem(await api(path, { method: "DELETE", token: mod.accessToken, body: { reason: "Spam" } }), 404);
  });
});
