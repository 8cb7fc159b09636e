import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iceServersFor } from "../../shared/calls/ice-servers";
import { turnAdapterOf } from "../../shared/calls/turn/turn-provider-of";
import { TurnUnavailableError } from "../../shared/calls/turn/turn-provider";
import type { ProviderDefinition } from "../../shared/studio/providers/definitions";
import { HttpProvider } from "../../shared/studio/providers/http-provider";
import type { VideoHost } from "../../shared/video/video-host";
import { answeringVideoHost } from "../../shared/video/video-host-of";
import worker from "../../workers/index";
import { registerUser } from "../helpers";
import { testDeps } from "../kit/deps";
import { samples, uploadFile } from "../media/fixtures";

// Issue 23, finding 12: a caught error's text (a stack, server paths, an upstream's words) never
// reaches a response body or a socket frame; it is logged, and the answer says what failed in
// words of our own.

const PLANTED = "vips__file_open_read: /srv/platform/node_modules/sharp/build/Release/sharp.node: unable to open";
const plantedError = () => {
  const error = new Error(PLANTED);
  error.stack = `Error: ${PLANTED}\n    at Sharp.toBuffer (/srv/platform/node_modules/sharp/lib/output.js:163:17)\n    at transform (/srv/platform/workers/images.ts:12:3)`;
  return error;
};

/** A response body or detail that says nothing of the planted error: no message, no stack frame, no path. */
function expectNoLeak(text: string) {
  expect(text).not.toContain("vips__file_open_read");
  expect(text).not.toContain("node_modules");
  expect(text).not.toContain("/srv/");
  expect(text).not.toMatch(/\n\s+at /);
}

afterEach(() => vi.restoreAllMocks());

describe("a dependency that throws (finding 12)", () => {
  it("an image variant whose transformer throws: 415 with a generic detail; the cause is logged", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg);
    const throwingImages = {
      input: () => ({
        transform: () => ({
          output: async () => {
            throw plantedError();
          },
        }),
      }),
    };
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void logged.push(String(line)));
    const response = await worker.fetch(
      new Request(`http://platform.test/v1/files/${file.id}/content?width=64`, { headers: { authorization: `Bearer ${user.accessToken}` } }),
      { ...env, IMAGES: throwingImages as unknown as ImagesBinding },
      createExecutionContext(),
    );
    const body = await response.text();
    expect(response.status, body).toBe(415);
    expect(JSON.parse(body)).toMatchObject({ code: "variant_unsupported", detail: "This image cannot be resized" });
    expectNoLeak(body);
    expect(logged.some((line) => line.includes(file.id) && line.includes("vips__file_open_read"))).toBe(true);
  });

  it("TURN, Stream and an AI provider that fail: the problem or reason carries none of their text", async () => {
    const turn = { name: "planted", iceServers: async () => Promise.reject(new TurnUnavailableError(`Cloudflare TURN unreachable: ${PLANTED}`)) };
    const iceError = await iceServersFor(testDeps({ turn: turnAdapterOf(turn) }), "u1").then(
      () => null,
      (error: unknown) => error as { status: number; code: string; detail: string },
    );
    expect(iceError).toMatchObject({ status: 503, code: "turn_unavailable" });
    expectNoLeak(iceError!.detail);

    const failing = new Proxy({}, { get: () => async () => Promise.reject(plantedError()) }) as VideoHost;
    const streamError = await answeringVideoHost(failing)
      .details("uid")
      .then(
        () => null,
        (error: unknown) => error as { status: number; code: string; detail: string },
      );
    expect(streamError).toMatchObject({ status: 503, code: "video_host_unavailable" });
    expectNoLeak(streamError!.detail);

    const provider = new HttpProvider({ id: "planted", baseUrl: "https://provider.test", auth: null } as unknown as ProviderDefinition, {
      secret: null,
      timeoutMs: 1000,
      fetch: async () => Promise.reject(plantedError()),
    });
    const model = { id: "m", method: "POST", endpoint: "/run", requestTemplate: {} } as never;
    const providerError = await provider.start({ model, variables: {}, idempotencyKey: "k" }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(providerError).toBeInstanceOf(Error);
    expectNoLeak(providerError!.message);
  });
});
