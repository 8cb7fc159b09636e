import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { openGroup } from "../chat/fixtures";
import { fetchContent, samples, uniquePng, uploadFile } from "./fixtures";

describe("chat attachments are file ids", () => {
  it("the sender's own file is attached and every member of the chat may read it, nobody else", async () => {
    const [alice, bob, carol] = [await registerUser(), await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    const file = await uploadFile(alice, samples.pdf, { purpose: "attachment", name: "plan.pdf" });
    await expectProblem(await api(`/v1/files/${file.id}`, { token: bob.accessToken }), 404);

    const response = await api(`/v1/chats/${chat.id}/messages`, {
      token: alice.accessToken,
      body: { clientId: "a1", text: "the plan", attachments: [file.id] },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    expect((await json(response)).attachments).toEqual([{ id: file.id, name: "plan.pdf", contentType: "application/pdf", size: samples.pdf.length }]);

    expect(await json(await api(`/v1/files/${file.id}`, { token: bob.accessToken }))).toMatchObject({ id: file.id, ownerId: alice.id });
    const content = await fetchContent(`/v1/files/${file.id}/content`, { token: bob.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(samples.pdf);
    await expectProblem(await api(`/v1/files/${file.id}`, { token: carol.accessToken }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`, { token: carol.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${file.id}/url`, { token: carol.accessToken }), 404);
    expect((await api(`/v1/files/${file.id}/url`, { token: bob.accessToken })).status).toBe(200);
  });

  it("access follows membership: a member who is removed loses it, one who joins later gains it, members of other chats never have it", async () => {
    const [alice, bob, carol, dave] = [await registerUser(), await registerUser(), await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    await openGroup(dave, [alice]);
    const file = await uploadFile(alice, samples.pdf, { purpose: "attachment", name: "minutes.pdf" });
    const sent = await api(`/v1/chats/${chat.id}/messages`, { token: alice.accessToken, body: { clientId: "m1", text: "minutes", attachments: [file.id] } });
    expect(sent.status, await sent.clone().text()).toBe(201);
    const readable = async (user: { accessToken: string }) => (await api(`/v1/files/${file.id}`, { token: user.accessToken })).status;
    expect(await readable(bob)).toBe(200);
    // Dave shares a chat with Alice, but not the one the file is in
    expect(await readable(dave)).toBe(404);

    expect((await api(`/v1/chats/${chat.id}/members/${bob.id}`, { method: "DELETE", token: alice.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/files/${file.id}`, { token: bob.accessToken }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`, { token: bob.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${file.id}/url`, { token: bob.accessToken }), 404);

    expect((await api(`/v1/chats/${chat.id}/members`, { token: alice.accessToken, body: { userIds: [carol.id] } })).status).toBeLessThan(300);
    expect(await readable(carol)).toBe(200);
    const content = await fetchContent(`/v1/files/${file.id}/content`, { token: carol.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(samples.pdf);
  });

  it("another user's file id, or one that does not exist, is refused", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const chat = await openGroup(alice, [bob]);
    const bobs = await uploadFile(bob, uniquePng(), { purpose: "attachment" });
    await expectProblem(
      await api(`/v1/chats/${chat.id}/messages`, { token: alice.accessToken, body: { clientId: "x1", text: "not mine", attachments: [bobs.id] } }),
      400,
      "unknown_attachment",
    );
    await expectProblem(
      await api(`/v1/chats/${chat.id}/messages`, {
        token: alice.accessToken,
        body: { clientId: "x2", text: "nothing", attachments: ["01a20000-0000-7000-8000-000000000000"] },
      }),
      400,
      "unknown_attachment",
    );
  });
});
