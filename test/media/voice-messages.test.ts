import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser, type TestUser } from "../helpers";
import { openGroup } from "../chat/fixtures";
import { uniquePng } from "./fixtures";

// A voice message's length and loudness, as the recorder measured them (docs/media.md, "Voice messages").

/** An MP3 (ID3 header and one frame header) no other test uploads. */
function uniqueMp3(): Uint8Array {
  const noise = crypto.getRandomValues(new Uint8Array(400));
  return Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64, ...noise]);
}

async function upload(user: TestUser | null, bytes: Uint8Array, query: Record<string, string>): Promise<Response> {
  const search = new URLSearchParams({ purpose: "attachment", ...query });
  const headers: Record<string, string> = { "content-type": "application/octet-stream" };
  if (user) headers.authorization = `Bearer ${user.accessToken}`;
  return SELF.fetch(`http://platform.test/v1/files?${search}`, { method: "POST", headers, body: bytes });
}

const WAVEFORM = "0148gkov".repeat(6);

describe("voice messages: durationMs and waveform", () => {
  it("needs a token (401)", async () => {
    await expectProblem(await upload(null, uniqueMp3(), { durationMs: "2500", waveform: WAVEFORM }), 401);
  });

  it("keeps an audio file's length and waveform and shows them with the file", async () => {
    const user = await registerUser();
    const response = await upload(user, uniqueMp3(), { name: "voice-message.mp3", durationMs: "2500", waveform: WAVEFORM });
    expect(response.status, await response.clone().text()).toBe(201);
    const file = await json<{ id: string; contentType: string; durationMs?: number; waveform?: string }>(response);
    expect(file).toMatchObject({ contentType: "audio/mpeg", durationMs: 2500, waveform: WAVEFORM });
    const read = await json<{ durationMs?: number; waveform?: string }>(await api(`/v1/files/${file.id}`, { token: user.accessToken }));
    expect(read).toMatchObject({ durationMs: 2500, waveform: WAVEFORM });
  });

  it("a message carries them with its attachment, for every member", async () => {
    const [sender, reader] = await Promise.all([registerUser(), registerUser()]);
    const chat = await openGroup(sender, [reader]);
    const file = await json<{ id: string }>(await upload(sender, uniqueMp3(), { name: "voice-message.mp3", durationMs: "4100", waveform: WAVEFORM }));
    const sent = await api(`/v1/chats/${chat.id}/messages`, {
      token: sender.accessToken,
      body: { clientId: "voice-1", text: "Voice message", attachments: [file.id] },
    });
    expect(sent.status).toBe(201);
    const page = await json<{ items: { attachments: { id: string; durationMs?: number; waveform?: string }[] }[] }>(
      await api(`/v1/chats/${chat.id}/messages`, { token: reader.accessToken }),
    );
    expect(page.items[0]!.attachments[0]).toMatchObject({ id: file.id, durationMs: 4100, waveform: WAVEFORM });
  });

  it("ignores them for a file that is not audio (a picture has no length)", async () => {
    const user = await registerUser();
    const file = await json<Record<string, unknown>>(await upload(user, uniquePng(), { durationMs: "2500", waveform: WAVEFORM }));
    expect(file.contentType).toBe("image/png");
    expect(file).not.toHaveProperty("durationMs");
    expect(file).not.toHaveProperty("waveform");
  });

  it("refuses malformed ones (400) and stores nothing", async () => {
    const user = await registerUser();
    const malformed: Record<string, string>[] = [
      { durationMs: "0" },
      { durationMs: "-5" },
      { durationMs: "1.5" },
      { durationMs: "ten" },
      { durationMs: String(7 * 3600 * 1000) },
      { waveform: "" },
      { waveform: "xyz" },
      { waveform: "0".repeat(129) },
    ];
    for (const query of malformed) {
      const response = await upload(user, uniqueMp3(), query);
      expect(response.status, JSON.stringify(query)).toBe(400);
    }
    const files = await json<{ items: unknown[] }>(await api("/v1/files?purpose=attachment", { token: user.accessToken }));
    expect(files.items).toEqual([]);
  });
});
