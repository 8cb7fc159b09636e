import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { api, expectProblem, registerUser } from "../helpers";
import { samples, uploadFile } from "../media/fixtures";
import { insertAssetRow, studioOwner, uniquePng, uploadAsset } from "./fixtures";

async function exported(token: string, projectId: string, format: string) {
  const response = await api(`/v1/studio/projects/${projectId}/export?format=${format}`, { token });
  expect(response.status, response.status === 200 ? "" : await response.clone().text()).toBe(200);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe("export", () => {
  it("DOCX: a table per box with its name, headliner preview, prompt, model and params", async () => {
    const { user, project, boxes } = await studioOwner(3);
    const [first, second, third] = boxes as [any, any, any];
    const { asset: uploaded } = await uploadAsset(user, first.id);
    // Headliners as the generation pipeline stores them: the first box's points at an image file (its preview).
    const firstHeadliner = await insertAssetRow({
      boxId: first.id,
      ownerId: user.id,
      prompt: 'Sunrise over <the> "harbour" & boats',
      fileId: uploaded.fileId,
      modelId: "dev-image",
    });
    const secondHeadliner = await insertAssetRow({
      boxId: second.id,
      ownerId: user.id,
      prompt: "Neon alley in the rain",
      modelId: "dev-video",
      params: { width: 512, height: 512 },
    });
    await api(`/v1/studio/boxes/${first.id}`, { method: "PATCH", token: user.accessToken, body: { headlinerAssetId: firstHeadliner } });
    await api(`/v1/studio/boxes/${second.id}`, { method: "PATCH", token: user.accessToken, body: { headlinerAssetId: secondHeadliner } });

    const { response, bytes } = await exported(user.accessToken, project.id, "docx");
    expect(response.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(response.headers.get("content-disposition")).toContain(".docx");
    const entries = unzipSync(bytes);
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(["[Content_Types].xml", "word/document.xml"]));
    const xml = strFromU8(entries["word/document.xml"]!);
    const text = xml
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&");
    expect(text).toContain('Sunrise over <the> "harbour" & boats');
    expect(text).toContain("Neon alley in the rain");
    expect(text).toContain("dev-image");
    expect(text).toContain('{"width":512,"height":512}');
    for (const box of [first, second, third]) expect(text).toContain(box.name);
    expect(text).toContain("(no headliner)");
    expect(xml.match(/<w:tbl>/g)).toHaveLength(3);
    // The first box's headliner is an image: its preview is embedded as a PNG.
    const media = Object.keys(entries).filter((name) => name.startsWith("word/media/"));
    expect(media).toHaveLength(1);
    expect(strFromU8(entries[media[0]!]!.subarray(1, 4))).toBe("PNG");
  });

  it("ZIP: every completed asset's original, box by box", async () => {
    const { user, project, boxes } = await studioOwner(2);
    const png = uniquePng(3000);
    const a = await uploadAsset(user, boxes[0]!.id, png);
    const video = await uploadFile(user, samples.mp4, { purpose: "asset" });
    const made = await api(`/v1/studio/boxes/${boxes[1]!.id}/assets`, { token: user.accessToken, body: { fileId: video.id } });
    const b = await made.json<any>();
    await insertAssetRow({ boxId: boxes[1]!.id, ownerId: user.id, status: "pending" });

    const { response, bytes } = await exported(user.accessToken, project.id, "zip");
    expect(response.headers.get("content-type")).toBe("application/zip");
    const entries = unzipSync(bytes);
    expect(Object.keys(entries).sort()).toEqual([`01 Shot 1/${a.asset.id}.png`, `02 Shot 2/${b.id}.mp4`]);
    expect(entries[`01 Shot 1/${a.asset.id}.png`]).toEqual(png);
    expect(entries[`02 Shot 2/${b.id}.mp4`]).toEqual(samples.mp4);
  });

  it("401 without a token, 404 for another user's project, 400 for an unknown format", async () => {
    const { user, project } = await studioOwner(1);
    const stranger = await registerUser();
    await expectProblem(await api(`/v1/studio/projects/${project.id}/export?format=zip`), 401);
    await expectProblem(await api(`/v1/studio/projects/${project.id}/export?format=docx`, { token: stranger.accessToken }), 404);
    await expectProblem(await api(`/v1/studio/projects/${project.id}/export?format=pdf`, { token: user.accessToken }), 400, "invalid_query");
    await expectProblem(await api(`/v1/studio/projects/${project.id}/export`, { token: user.accessToken }), 400, "invalid_query");
  });
});
