import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../../shared/db/client";
import { detectType, imageDimensions } from "../../../shared/media/media-types";
import { documentFor } from "../../../shared/studio/providers/dev-json";
import { renderPng, renderRows } from "../../../shared/studio/providers/dev-png";
import { DEV_IMAGE_MODEL, DEV_TEXT_MODEL, DevelopmentProvider } from "../../../shared/studio/providers/dev-provider";
import { schemaProblems } from "../../../shared/studio/providers/params";
import type { ModelOutput } from "../../../shared/studio/providers/provider-adapter";

async function inflatedIdat(png: Uint8Array): Promise<Uint8Array> {
  const view = new DataView(png.buffer, png.byteOffset);
  let at = 8;
  const parts: Uint8Array[] = [];
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === "IDAT") parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("the development image model", () => {
  it("draws a valid PNG of the asked size, the same bytes for the same prompt and seed", async () => {
    const png = await renderPng("a red fox", 42, 40, 24);
    expect((await detectType(png))?.mime).toBe("image/png");
    expect(imageDimensions(png, "image/png")).toEqual({ width: 40, height: 24 });
    expect(await inflatedIdat(png)).toEqual(renderRows("a red fox", 42, 40, 24));
    expect(await renderPng("a red fox", 42, 40, 24)).toEqual(png);
    expect(await renderPng("a red fox", 43, 40, 24)).not.toEqual(png);
    expect(await renderPng("a blue fox", 42, 40, 24)).not.toEqual(png);
  });

  it("answers queued, then running, then succeeded with the PNG; a repeated start finds the same task", async () => {
    const provider = new DevelopmentProvider(createDatabase(env.DB));
    const key = crypto.randomUUID();
    const request = { model: DEV_IMAGE_MODEL, variables: { prompt: "fox", seed: 3, width: 32, height: 16 }, idempotencyKey: key };
    const started = await provider.start(request);
    expect(started).toEqual({ state: "pending", taskId: `devtask-${key}`, providerStatus: "queued" });
    expect(await provider.start(request)).toEqual(started);
    expect(await provider.poll(DEV_IMAGE_MODEL, `devtask-${key}`)).toEqual({ state: "pending", taskId: `devtask-${key}`, providerStatus: "running" });
    const done = await provider.poll(DEV_IMAGE_MODEL, `devtask-${key}`);
    expect(done.state).toBe("succeeded");
    const output = (done as { output: ModelOutput }).output;
    expect(output.kind === "files" && output.results[0]!.kind === "bytes" ? output.results[0]!.bytes : null).toEqual(await renderPng("fox", 3, 32, 16));
  });

  it("cancels a task it started: the cancellation is recorded on the task, and later polls answer that it was cancelled", async () => {
    const provider = new DevelopmentProvider(createDatabase(env.DB));
    const key = crypto.randomUUID();
    const started = await provider.start({ model: DEV_IMAGE_MODEL, variables: { prompt: "fox", seed: 1, width: 16, height: 16 }, idempotencyKey: key });
    const taskId = (started as { taskId: string }).taskId;
    expect(await provider.cancel(DEV_IMAGE_MODEL, taskId)).toBe("cancelled");
    expect(await provider.cancel(DEV_IMAGE_MODEL, taskId)).toBe("cancelled");
    const row = await env.DB.prepare("SELECT cancelled_at FROM studio_dev_tasks WHERE id = ?").bind(taskId).first<{ cancelled_at: number | null }>();
    expect(row?.cancelled_at).toBeTypeOf("number");
    expect(await provider.poll(DEV_IMAGE_MODEL, taskId)).toMatchObject({ state: "failed", error: expect.stringContaining("cancelled") });
    await expect(provider.cancel(DEV_IMAGE_MODEL, "devtask-nope")).rejects.toMatchObject({ retryable: false });
  });

  it("does not know a task it never started", async () => {
    const provider = new DevelopmentProvider(createDatabase(env.DB));
    await expect(provider.poll(DEV_IMAGE_MODEL, "devtask-nope")).rejects.toMatchObject({ retryable: false });
  });
});

describe("the development text model", () => {
  const vacancy = {
    type: "object",
    properties: {
      title: { type: "string", minLength: 5, maxLength: 40 },
      description: { type: "string" },
      tags: { type: "array", items: { type: "string", maxLength: 12 }, minItems: 2, maxItems: 5, uniqueItems: true },
      seniority: { enum: ["junior", "middle", "senior"] },
      remote: { type: "boolean" },
      salary: {
        type: ["object", "null"],
        properties: {
          min: { type: "integer", minimum: 1000, maximum: 5000 },
          max: { type: "number", exclusiveMinimum: 5000, maximum: 9000, multipleOf: 0.5 },
          currency: { const: "EUR" },
        },
        required: ["min", "max", "currency"],
      },
      publishAt: { type: "string", format: "date-time" },
      contact: { $ref: "#/$defs/contact" },
    },
    required: ["title", "description", "tags", "seniority", "remote", "salary"],
    $defs: { contact: { type: "object", properties: { email: { type: "string", format: "email" } }, required: ["email"] } },
  };

  it("answers at once with JSON that conforms to the responseSchema, derived from the prompt", async () => {
    const provider = new DevelopmentProvider(createDatabase(env.DB));
    const answer = await provider.start({ model: DEV_TEXT_MODEL, variables: { prompt: "Senior Rust engineer in Berlin", responseSchema: vacancy } });
    expect(answer.state).toBe("succeeded");
    const output = (answer as { output: ModelOutput }).output;
    if (output.kind !== "text") throw new Error("text expected");
    expect(JSON.parse(output.text)).toEqual(output.json);
    expect(schemaProblems(vacancy, output.json, "")).toEqual([]);
    const document = output.json as Record<string, unknown>;
    expect(String(document.description)).toMatch(/Rust|Senior|engineer|Berlin/);
    const again = await provider.start({ model: DEV_TEXT_MODEL, variables: { prompt: "Senior Rust engineer in Berlin", responseSchema: vacancy } });
    expect(again).toEqual(answer);
  });

  it("fits strings, numbers and arrays within their bounds for many prompts", () => {
    for (const prompt of [
      "",
      "x",
      "Ünïcödé — 日本語のテキスト",
      "a ".repeat(400),
      '"quotes" {braces} \\ back',
      'Notes: "5000 to 9000.5, 4999"',
      "1,000,000 or 70-90k",
    ]) {
      expect(schemaProblems(vacancy, documentFor(vacancy, prompt), "")).toEqual([]);
    }
  });

  it("echoes what the prompt quotes, not the instructions around it: texts, sentences, slugs, the enum value named, the figures given", () => {
    const schema = {
      type: "object",
      properties: {
        title: { type: "string", maxLength: 200 },
        description: { type: "string", maxLength: 20000 },
        tags: { type: "array", minItems: 1, maxItems: 10, items: { type: "string", maxLength: 40 } },
        employmentType: { type: "string", enum: ["full-time", "part-time", "contract"] },
        seniority: { type: "string", enum: ["junior", "middle", "senior"] },
        salary: {
          type: "object",
          properties: { min: { type: "integer", minimum: 0, maximum: 10000000 }, max: { type: "integer", minimum: 0, maximum: 10000000 } },
        },
        links: { type: "array", items: { type: "string", maxLength: 300 } },
      },
    };
    const notes = "Senior Rust engineer for our scheduler. Part-time, 60-80k EUR a year. See https://jobs.example/rust";
    const prompt = `Write a vacancy for the company ${JSON.stringify("Quay Freight")}.\nThe notes: ${JSON.stringify(notes)}\nAnswer with JSON.`;
    const document = documentFor(schema, prompt) as Record<string, unknown>;
    expect(schemaProblems(schema, document, "")).toEqual([]);
    expect(document.description).toBe("Quay Freight. Senior Rust engineer for our scheduler. Part-time, 60-80k EUR a year. See https://jobs.example/rust.");
    expect(["Quay Freight", "Senior Rust engineer for our scheduler.", "Part-time, 60-80k EUR a year.", "See https://jobs.example/rust"]).toContain(
      document.title,
    );
    for (const tag of document.tags as string[]) expect(tag).toMatch(/^[^\s]+$/);
    expect(document.employmentType).toBe("part-time");
    expect(document.seniority).toBe("senior");
    expect(document.salary).toEqual({ min: 60000, max: 80000 });
    // The instructions' words never appear: nothing says "vacancy", "company" or "Answer".
    expect(JSON.stringify(document)).not.toMatch(/vacancy|company|Answer|notes/);
    // A prompt that quotes nothing is a person's words throughout.
    expect(documentFor({ type: "object", properties: { reason: { type: "string", maxLength: 120 } } }, "A red fox in snow")).toEqual({
      reason: "A red fox in snow",
    });
  });

  it("ticks a boolean the words name, gives a slug no other field's value, and does not say one thing in two fields", () => {
    const draft = {
      type: "object",
      properties: {
        role: { type: "string", maxLength: 40 },
        employmentType: { type: "string", enum: ["full-time", "part-time"] },
        seniority: { type: "string", enum: ["junior", "senior"] },
        remote: { type: "boolean" },
        relocationOffered: { type: "boolean" },
      },
    };
    for (const notes of ["Senior full-time remote", "Full-time senior, remote or Berlin", "Remote: senior full-time engineer"]) {
      const document = documentFor(draft, JSON.stringify(notes)) as Record<string, unknown>;
      expect(document, notes).toMatchObject({ employmentType: "full-time", seniority: "senior", remote: true, relocationOffered: false });
      expect(["full-time", "senior"], notes).not.toContain(String(document.role).toLowerCase());
    }
    expect(documentFor(draft, JSON.stringify("Senior engineer in Berlin, relocation offered"))).toMatchObject({ remote: false, relocationOffered: true });

    const analysis = {
      type: "object",
      properties: {
        strengths: { type: "array", minItems: 1, maxItems: 10, items: { type: "string", maxLength: 300 } },
        gaps: { type: "array", maxItems: 10, items: { type: "string", maxLength: 300 } },
      },
    };
    const profile = { headline: "Backend engineer", bio: "Eight years of queues. Looking for a remote team. Berlin based." };
    const four = documentFor(analysis, JSON.stringify(profile)) as { strengths: string[]; gaps: string[] };
    expect([...four.strengths, ...four.gaps].sort()).toEqual(["Backend engineer", "Berlin based.", "Eight years of queues.", "Looking for a remote team."]);
    expect(four.strengths).toHaveLength(3);
    // Three strengths say all there is: the gaps, which may be empty, are.
    const three = documentFor(analysis, JSON.stringify({ bio: profile.bio })) as typeof four;
    expect(three.strengths).toHaveLength(3);
    expect(three.gaps).toEqual([]);
  });

  it("without a responseSchema answers {text}", async () => {
    const provider = new DevelopmentProvider(createDatabase(env.DB));
    const answer = await provider.start({ model: DEV_TEXT_MODEL, variables: { prompt: "hello world" } });
    expect(answer).toMatchObject({ state: "succeeded", output: { kind: "text", json: { text: expect.stringContaining("hello") } } });
  });
});
