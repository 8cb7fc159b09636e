import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { api, expectProblem, json } from "../helpers";

describe("GET /dev/d1-round-trip (bench:auth's floor)", () => {
  it("answers after one D1 statement, with no token", async () => {
    const response = await api("/dev/d1-round-trip");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
  });

  it("does not exist in production", async () => {
    const response = await worker.fetch(new Request("http://platform.test/dev/d1-round-trip"), { ...env, ENVIRONMENT: "production" }, createExecutionContext());
    await expectProblem(response, 404, "not_found");
  });
});
