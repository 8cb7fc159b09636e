import { afterEach, describe, expect, it, vi } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { FAKE_MODELS } from "../studio/fake-provider";
import { generate, installFakeProvider, newBox, settled } from "../studio/generation/fixtures";
import { newAdmin, registerFakeProvider } from "../studio/providers/fixtures";

/** A model whose endpoint takes a string param as a path segment, as an admin may define one. */
async function styleModel(): Promise<string> {
  const admin = await newAdmin();
  const { providerId } = await registerFakeProvider(admin);
  const id = `${providerId}-styled`;
  const body = {
    ...FAKE_MODELS.sync,
    id,
    endpoint: "/v1/styles/{{style}}/images/sync",
    paramsSchema: {
      type: "object",
      properties: { style: { type: "string", maxLength: 40, default: "plain" }, width: { type: "integer", default: 64 } },
      additionalProperties: false,
    },
  };
  const created = await api(`/v1/studio/providers/${providerId}/models`, { token: admin.accessToken, body });
  expect(created.status, await created.clone().text()).toBe(201);
  return (await json(created)).id;
}

describe("studio templates: a path param stays one segment of the admin's endpoint", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a style of . or .. is refused before anything is stored or sent (400 invalid_params); a slash is sent encoded inside its segment", async () => {
    const modelId = await styleModel();
    const user = await registerUser();
    const box = await newBox(user);
    const fake = installFakeProvider();
    for (const style of ["..", "."]) {
      const problem = await expectProblem(
        await api(`/v1/studio/boxes/${box}/generate`, { token: user.accessToken, body: { modelId, prompt: "climb", params: { style } } }),
        400,
        "invalid_params",
      );
      expect(problem.errors.map((e: { path: string }) => e.path)).toContain("params.style");
    }
    expect(fake.requests).toEqual([]);
    const list = await api(`/v1/studio/boxes/${box}/assets`, { token: user.accessToken });
    expect((await list.json<{ items: unknown[] }>()).items).toEqual([]);

    const [asset] = await generate(user, box, { modelId, prompt: "slashed", params: { style: "../../admin" } });
    await settled(user, asset!.id);
    expect(fake.requests.map((r) => r.path)).toEqual(["/v1/styles/..%2F..%2Fadmin/images/sync"]);
  });
});
