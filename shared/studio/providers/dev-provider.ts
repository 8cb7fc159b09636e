import { clock } from "../../clock";
import type { Database } from "../../db/client";
import { newId } from "../../ids";
import type { ModelDefinition, ProviderDefinition } from "./definitions";
import { documentFor } from "./dev-json";
import { renderPng } from "./dev-png";
import { schemaProblems } from "./params";
import { type CancelAnswer, type ProviderAdapter, ProviderError, type TaskAnswer, type TaskRequest } from "./provider-adapter";
import { cancelDevTask, insertDevTask, pollDevTask } from "./records";
import type { JsonValue } from "./templates";

/**
 * The built-in development provider: no network, no account. Listed only where ENVIRONMENT is
 * development or test, so `npm run dev` shows the whole flow (and tests exercise it) with nothing
 * outside. Its image model answers asynchronously (queued, then running, then succeeded on the
 * second poll) with a PNG drawn from the prompt and seed; its text model answers at once with
 * JSON that fits the `responseSchema` param. Its image tasks can be cancelled: the cancellation is
 * recorded on the task (`cancelled_at`) and later polls answer that the task was cancelled.
 */
export const DEV_PROVIDER: ProviderDefinition = {
  id: "dev",
  name: "Development provider (built in, no network; development and test only)",
  baseUrl: "builtin:dev",
  auth: null,
  headers: {},
};

const devModel = (
  model: Omit<ModelDefinition, "providerId" | "method" | "endpoint" | "requestTemplate" | "response" | "poll" | "cancel">,
  asynchronous: boolean,
): ModelDefinition => ({
  ...model,
  providerId: DEV_PROVIDER.id,
  method: "POST",
  endpoint: `/${model.id}`,
  requestTemplate: {},
  response: {},
  poll: asynchronous ? { method: "GET", endpoint: "/tasks/{{taskId}}" } : null,
  cancel: asynchronous ? { method: "POST", endpoint: "/tasks/{{taskId}}/cancel" } : null,
});

export const DEV_IMAGE_MODEL = devModel(
  {
    id: "dev-image",
    name: "Development image (drawn from the prompt)",
    kind: "image",
    paramsSchema: {
      type: "object",
      properties: {
        width: { type: "integer", minimum: 16, maximum: 1024, default: 256 },
        height: { type: "integer", minimum: 16, maximum: 1024, default: 256 },
        seed: { type: "integer", minimum: 0, maximum: 2147483647 },
      },
      additionalProperties: false,
    },
  },
  true,
);

export const DEV_TEXT_MODEL = devModel(
  {
    id: "dev-text",
    name: "Development text (echoes the prompt)",
    kind: "text",
    paramsSchema: {
      type: "object",
      properties: { responseSchema: { type: "object", description: 'A JSON Schema the answer conforms to; without it the answer is {"text": ...}' } },
      additionalProperties: false,
    },
  },
  false,
);

export const DEV_VIDEO_MODEL = devModel(
  {
    id: "dev-video",
    name: "Development video (a stand-in, not playable)",
    kind: "video",
    paramsSchema: {
      type: "object",
      properties: {
        duration: { type: "integer", enum: [5, 10], default: 5 },
        seed: { type: "integer", minimum: 0, maximum: 2147483647 },
      },
      additionalProperties: false,
    },
  },
  true,
);

export const DEV_MODELS: readonly ModelDefinition[] = [DEV_IMAGE_MODEL, DEV_VIDEO_MODEL, DEV_TEXT_MODEL];

/** Polls after which a development task is finished (the first answers "running"). */
const POLLS_TO_FINISH = 2;

interface DevVideoInput {
  prompt: string;
  seed: number;
  duration: number;
  /** The path of the starting picture's content (its signed URL without the signature), or null for text to video. */
  parent: string | null;
}

interface DevImageInput {
  prompt: string;
  seed: number;
  width: number;
  height: number;
}

export class DevelopmentProvider implements ProviderAdapter {
  constructor(private readonly db: Database) {}

  async start(request: TaskRequest): Promise<TaskAnswer> {
    const { model, variables } = request;
    const prompt = typeof variables.prompt === "string" ? variables.prompt : "";
    if (model.id === DEV_TEXT_MODEL.id) return this.answerText(prompt, variables.responseSchema);
    if (model.id !== DEV_IMAGE_MODEL.id && model.id !== DEV_VIDEO_MODEL.id)
      throw new ProviderError(false, `The development provider has no model ${model.id}`, 404);
    const input: DevImageInput | DevVideoInput =
      model.id === DEV_VIDEO_MODEL.id
        ? {
            prompt,
            seed: Number(variables.seed ?? 0),
            duration: Number(variables.duration ?? 5),
            parent: typeof variables.parentImageUrl === "string" ? new URL(variables.parentImageUrl).pathname : null,
          }
        : {
            prompt,
            seed: Number(variables.seed ?? 0),
            width: Number(variables.width ?? 256),
            height: Number(variables.height ?? 256),
          };
    // The idempotency key names the task, so a repeated start finds the task it started before.
    const taskId = `devtask-${request.idempotencyKey ?? newId()}`;
    await insertDevTask(this.db, { id: taskId, modelId: model.id, input: JSON.stringify(input), createdAt: clock.date() });
    return { state: "pending", taskId, providerStatus: "queued" };
  }

  async poll(model: ModelDefinition, taskId: string): Promise<TaskAnswer> {
    const task = await pollDevTask(this.db, taskId);
    if (!task || task.modelId !== model.id) throw new ProviderError(false, `The development provider has no task ${taskId}`, 404);
    if (task.cancelledAt) return { state: "failed", taskId, error: "The task was cancelled" };
    if (task.polls < POLLS_TO_FINISH) return { state: "pending", taskId, providerStatus: "running" };
    if (model.id === DEV_VIDEO_MODEL.id) {
      const bytes = standInMp4(JSON.parse(task.input) as DevVideoInput);
      return { state: "succeeded", taskId, output: { kind: "files", results: [{ kind: "bytes", bytes }] } };
    }
    const input = JSON.parse(task.input) as DevImageInput;
    const bytes = await renderPng(input.prompt, input.seed, input.width, input.height);
    return { state: "succeeded", taskId, output: { kind: "files", results: [{ kind: "bytes", bytes }] } };
  }

  async cancel(model: ModelDefinition, taskId: string): Promise<CancelAnswer> {
    if (!model.cancel) return "unsupported";
    if (!(await cancelDevTask(this.db, taskId, model.id, clock.date()))) throw new ProviderError(false, `The development provider has no task ${taskId}`, 404);
    return "cancelled";
  }

  private answerText(prompt: string, responseSchema: JsonValue | undefined): TaskAnswer {
    const schema = responseSchema ?? { type: "object", properties: { text: { type: "string" } }, required: ["text"] };
    const document = documentFor(schema, prompt);
    const problems = typeof schema === "object" && schema !== null ? schemaProblems(schema, document, "") : [];
    if (problems.length > 0) {
      return {
        state: "failed",
        error: `The development text model cannot fit this responseSchema: ${problems.map((p) => `${p.path || "(root)"} ${p.message}`).join("; ")}`.slice(
          0,
          500,
        ),
      };
    }
    return { state: "succeeded", output: { kind: "text", text: JSON.stringify(document), json: document } };
  }
}

/**
 * The development video: an MP4 file type box (what makes the bytes a video/mp4 to the platform's
 * type check) and a `free` box holding the request as JSON, so a test can see what the task was
 * given (its starting picture, for image to video). It has no media track: players refuse it.
 */
export function standInMp4(input: DevVideoInput): Uint8Array {
  const box = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(8 + body.length);
    new DataView(out.buffer).setUint32(0, out.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(body, 8);
    return out;
  };
  const ftyp = box("ftyp", new TextEncoder().encode("isom\0\0\x02\0isomiso2mp41"));
  const free = box("free", new TextEncoder().encode(JSON.stringify(input)));
  const bytes = new Uint8Array(ftyp.length + free.length);
  bytes.set(ftyp);
  bytes.set(free, ftyp.length);
  return bytes;
}
