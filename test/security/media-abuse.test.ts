import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { openGroup } from "../chat/fixtures";
import { api, expectProblem, json, registerUser } from "../helpers";
import { fetchContent, padded, samples, uniquePng, uploadFile } from "../media/fixtures";

// Issue 23, the media findings of low severity: what the API serves, to whom, and for how long.

describe("ranges that overflow or lie outside the bytes (finding 17)", () => {
  it("answer 416 with Content-Range bytes */<size>, never the whole file", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng(3000));
    const path = `/v1/files/${file.id}/content`;
    for (const range of [
      "bytes=99999999999999999999-",
      "bytes=99999999999999999999-99999999999999999999",
      "bytes=9007199254740993-",
      "bytes=3000-",
      "bytes=3000-1",
    ]) {
      for (const method of ["GET", "HEAD"]) {
        const response = await fetchContent(path, { token: user.accessToken, method, headers: { range } });
        expect(response.status, `${method} ${range}`).toBe(416);
        expect(response.headers.get("content-range"), range).toBe("bytes */3000");
        if (method === "GET") await expectProblem(response, 416, "range_not_satisfiable");
      }
    }
    const variant = await fetchContent(`${path}?width=32`, { token: user.accessToken, headers: { range: "bytes=99999999999999999999-" } });
    expect(variant.status).toBe(416);
    expect(variant.headers.get("content-range")).toMatch(/^bytes \*\/\d+$/);
  });
});

describe("variants and other users' bytes (finding 9)", () => {
  it("a variant is made for each owner: asking for one tells nothing about whether someone else stored the same bytes", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const bytes = padded(samples.largeJpeg, samples.largeJpeg.length + 4000, 9009);
    const [aliceFile, bobFile] = [await uploadFile(alice, bytes, { purpose: "asset" }), await uploadFile(bob, bytes, { purpose: "asset" })];
    expect(aliceFile.sha256).toBe(bobFile.sha256);

    // The Images binding, counting the transforms it is asked for: a transform is what a cache miss costs.
    let transforms = 0;
    const images = env.IMAGES!;
    const counting = {
      input: (stream: ReadableStream<Uint8Array>) => {
        transforms += 1;
        return images.input(stream);
      },
    };
    const variantOf = (fileId: string, token: string) =>
      worker.fetch(
        new Request(`http://platform.test/v1/files/${fileId}/content?width=128&format=png`, { headers: { authorization: `Bearer ${token}` } }),
        { ...env, IMAGES: counting as unknown as ImagesBinding },
        createExecutionContext(),
      );

    const first = await variantOf(aliceFile.id, alice.accessToken);
    expect(first.status).toBe(200);
    const aliceBytes = new Uint8Array(await first.arrayBuffer());
    expect(transforms).toBe(1);
    // Bob's first request is a miss too, exactly as if nobody had stored these bytes before.
    const bobs = await variantOf(bobFile.id, bob.accessToken);
    expect(bobs.status).toBe(200);
    expect(new Uint8Array(await bobs.arrayBuffer())).toEqual(aliceBytes);
    expect(transforms).toBe(2);
    // Kept per owner: the second request, or one for the owner's other file of the same bytes, is served from R2.
    expect((await variantOf(bobFile.id, bob.accessToken)).status).toBe(200);
    const bobAgain = await uploadFile(bob, bytes, { purpose: "asset", name: "again.jpg" });
    expect((await variantOf(bobAgain.id, bob.accessToken)).status).toBe(200);
    expect(transforms).toBe(2);
  });
});

describe("a deleted message's attachment (finding 10)", () => {
  it("stays readable while another message of the chat carries it; deleting the last one takes the chat's read grant", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    const file = await uploadFile(alice, samples.pdf, { purpose: "attachment", name: "draft.pdf" });
    const send = async (clientId: string) => {
      const response = await api(`/v1/chats/${chat.id}/messages`, { token: alice.accessToken, body: { clientId, text: "the draft", attachments: [file.id] } });
      expect(response.status, await response.clone().text()).toBe(201);
      return (await json(response)).id as string;
    };
    const remove = async (messageId: string) =>
      expect((await api(`/v1/chats/${chat.id}/messages/${messageId}`, { method: "DELETE", token: alice.accessToken })).status).toBe(200);
    const [first, second] = [await send("d1"), await send("d2")];

    await remove(first);
    expect((await api(`/v1/files/${file.id}`, { token: bob.accessToken })).status).toBe(200);
    await remove(second);
    await expectProblem(await api(`/v1/files/${file.id}`, { token: bob.accessToken }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`, { token: bob.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${file.id}/url`, { token: bob.accessToken }), 404);
    // The owner keeps the file; sending it again grants it again.
    expect((await api(`/v1/files/${file.id}`, { token: alice.accessToken })).status).toBe(200);
    await send("d3");
    expect((await api(`/v1/files/${file.id}`, { token: bob.accessToken })).status).toBe(200);
  });
});

describe("removing a gallery image (finding 16)", () => {
  const publish = async (user: { accessToken: string }, fileId: string) => {
    const response = await api("/v1/images", { token: user.accessToken, body: { fileId, title: "shared" } });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await json(response)).id as string;
  };
  const unpublish = async (user: { accessToken: string }, imageId: string) =>
    expect((await api(`/v1/images/${imageId}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);

  it("keeps the file public while the avatar uses it", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg);
    const imageId = await publish(user, file.id);
    const { user: me } = await json(await api("/v1/me/avatar", { method: "PUT", token: user.accessToken, body: { fileId: file.id } }));
    await unpublish(user, imageId);
    expect((await fetchContent(me.avatarUrl)).status).toBe(200);
    expect((await fetchContent(`/v1/files/${file.id}`)).status).toBe(200);
  });

  it("keeps public a file its owner uploaded as public", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng(), { visibility: "public" });
    await unpublish(user, await publish(user, file.id));
    expect((await fetchContent(`/v1/files/${file.id}/content`)).status).toBe(200);
  });

  it("makes private again a file nothing else keeps public", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng());
    await unpublish(user, await publish(user, file.id));
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`), 401);
    expect((await json(await api(`/v1/files/${file.id}`, { token: user.accessToken }))).visibility).toBe("private");
  });
});

describe("signed attachment URLs once access is lost (finding 11)", () => {
  it("stop working at once for a member removed from the chat, and after the message is deleted", async () => {
    const [alice, bob, carol] = [await registerUser(), await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob, carol]);
    const file = await uploadFile(alice, samples.pdf, { purpose: "attachment", name: "secret.pdf" });
    const sent = await api(`/v1/chats/${chat.id}/messages`, { token: alice.accessToken, body: { clientId: "s1", text: "secret", attachments: [file.id] } });
    expect(sent.status).toBe(201);
    const urlFor = async (user: { accessToken: string }) =>
      (await json(await api(`/v1/files/${file.id}/url?expiresIn=86400`, { token: user.accessToken }))).url as string;
    const [bobsUrl, carolsUrl, alicesUrl] = [await urlFor(bob), await urlFor(carol), await urlFor(alice)];
    expect((await fetchContent(bobsUrl)).status).toBe(200);

    expect((await api(`/v1/chats/${chat.id}/members/${bob.id}`, { method: "DELETE", token: alice.accessToken })).status).toBe(204);
    await expectProblem(await fetchContent(bobsUrl), 404);
    expect((await fetchContent(carolsUrl)).status).toBe(200);

    const messageId = (await json(sent)).id as string;
    expect((await api(`/v1/chats/${chat.id}/messages/${messageId}`, { method: "DELETE", token: alice.accessToken })).status).toBe(200);
    await expectProblem(await fetchContent(carolsUrl), 404);
    // The owner's own URL keeps working: the owner still reads the file.
    expect((await fetchContent(alicesUrl)).status).toBe(200);
  });
});
