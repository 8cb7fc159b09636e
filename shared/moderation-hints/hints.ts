import { conflict, forbidden, notFound } from "../http/errors";
import { auditEventQuery } from "../identity/audit/events";
import type { Deps } from "../platform/deps-types";
import { contentPath } from "../media/content-path";
import type { ModelTaskInput } from "../studio/providers/model-tasks";
import { advanceModelTask } from "../studio/providers/model-step";
import { readModelJson } from "../studio/providers/model-json";
import { HINT_JSON_SCHEMA, HintAnswer } from "./answer";
import {
  completeHint,
  countHintAttempt,
  failHint,
  findHint,
  findHints,
  type HintRecord,
  type HintSubject,
  insertHint,
  keepHint,
  saveHintProviderTask,
} from "./records";

/** Runs of one hint (start, then polls) before it is given up as `timed_out`. */
export const MAX_HINT_ATTEMPTS = 30;
/** Seconds between polls of a model that answers later. */
export const HINT_POLL_DELAY_SECONDS = 5;

/** What the model looks at: the words the owner gave and, where a model can see, the picture (a video's thumbnail). */
export interface HintItem {
  kind: HintSubject;
  id: string;
  ownerId: string;
  title: string;
  description: string | null;
  /** The file's name as uploaded (pictures). */
  fileName?: string;
  contentType?: string;
  /** A gallery picture's file (public once published) or a video's thumbnail URL. */
  fileId?: string;
  imageUrl?: string | null;
}

export interface HintView {
  /** `kept`: a moderator kept the item, the hint was wrong. */
  status: HintRecord["status"];
  /** Strongest first. */
  labels: { label: HintAnswer["labels"][number]["label"]; confidence: number }[];
  reason: string | null;
  error: string | null;
  model: string;
  updatedAt: string;
}

export function hintView(row: HintRecord): HintView {
  return {
    status: row.status,
    labels: row.labels ? (JSON.parse(row.labels) as HintView["labels"]) : [],
    reason: row.reason,
    error: row.error,
    model: row.modelId,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Asks for a hint on an item that just arrived (a picture published, a video entering the
 * moderation queue): stored pending, then queued. Never fails its caller: an upload does not
 * depend on the AI, so a queue that refuses records the reason on the hint instead.
 */
export async function requestModerationHint(deps: Deps, item: HintItem): Promise<void> {
  const modelId = deps.config.moderationHints.model;
  if (!modelId) return;
  const now = deps.clock.date();
  try {
    const input = JSON.stringify(hintModelInput(deps, item));
    const stored = await insertHint(deps.db, {
      subjectKind: item.kind,
      subjectId: item.id,
      ownerId: item.ownerId,
      modelId,
      input,
      createdAt: now,
      updatedAt: now,
    });
    if (!stored) return;
  } catch (error) {
    deps.log("error", "moderation hint not stored", { kind: item.kind, id: item.id, error: String(error) });
    return;
  }
  try {
    await deps.queue.send({ kind: "moderation.hint", subjectKind: item.kind, subjectId: item.id });
  } catch (error) {
    deps.log("error", "moderation hint not queued", { kind: item.kind, id: item.id, error: String(error) });
    await failHint(deps.db, item.kind, item.id, "queue_unavailable: the hint could not be queued", deps.clock.date());
  }
}

export function hintModelInput(deps: Pick<Deps, "config">, item: HintItem): ModelTaskInput {
  const imageUrl = item.fileId ? new URL(contentPath(item.fileId), deps.config.publicOrigin).toString() : (item.imageUrl ?? undefined);
  const described = {
    title: item.title,
    description: item.description?.slice(0, 1000) ?? null,
    ...(item.fileName ? { fileName: item.fileName } : {}),
    ...(item.contentType ? { contentType: item.contentType } : {}),
  };
  return {
    prompt: [
      `A user uploaded this ${item.kind === "image" ? "picture" : "video (you see its thumbnail)"} to a public platform. Help a human moderator: does it show nudity, violence, hate, or is it spam?`,
      `What the uploader wrote: ${JSON.stringify(described)}`,
      "Answer with one JSON object of the given schema: labels (strongest first; `ok` when nothing is wrong) with a confidence from 0 to 1, and a one-line reason.",
    ].join("\n"),
    params: { responseSchema: HINT_JSON_SCHEMA },
    ...(imageUrl ? { parentImageUrl: imageUrl } : {}),
    idempotencyKey: `hint-${item.kind}-${item.id}`,
  };
}

const isModerator = (actor: { role: string }) => actor.role === "moderator" || actor.role === "admin";

/** The hint on an item, for moderators and admins; none yet (or hints off): 404. */
export async function moderationHint(deps: Deps, actor: { role: string }, kind: HintSubject, id: string): Promise<HintView> {
  if (!isModerator(actor)) throw forbidden("Only moderators and admins read moderation hints");
  const row = await findHint(deps.db, kind, id);
  if (!row) throw notFound("No hint for this item");
  return hintView(row);
}

/**
 * A moderator keeps the item the hint is about: the hint was wrong. It is marked `kept` (so it
 * leaves the open hints, `?hint=open` on the pictures to look over), with an audit event
 * `moderation.hint_kept` on the moderator's trail naming the item and what the hint said. The item
 * itself is not touched. Idempotent: keeping a kept hint answers it as it is, with no second event.
 * A pending hint has nothing to keep yet (`409 hint_pending`); like videos, nobody moderates their
 * own upload (403).
 */
export async function keepModerationHint(deps: Deps, actor: { userId: string; role: string }, kind: HintSubject, id: string): Promise<HintView> {
  if (!isModerator(actor)) throw forbidden("Only moderators and admins keep items an AI hint flagged");
  const hint = await findHint(deps.db, kind, id);
  if (!hint) throw notFound("No hint for this item");
  if (hint.ownerId === actor.userId) throw forbidden("Nobody moderates their own upload");
  if (hint.status === "kept") return hintView(hint);
  if (hint.status === "pending") throw conflict("hint_pending", "The model has not answered yet: there is no hint to keep the item against");
  const kept = await keepHint(deps.db, kind, id, deps.clock.date());
  // Lost a race with another moderator's keep: theirs is the event.
  if (!kept) return hintView((await findHint(deps.db, kind, id)) ?? hint);
  const strongest = hint.labels ? ((JSON.parse(hint.labels) as HintView["labels"])[0]?.label ?? null) : null;
  await auditEventQuery(deps.db, {
    userId: actor.userId,
    type: "moderation.hint_kept",
    detail: { by: actor.userId, subjectKind: kind, subjectId: id, ownerId: hint.ownerId, hintStatus: hint.status, label: strongest },
  }).run();
  return hintView(kept);
}

/**
 * The JOBS consumer's work for one hint: start the model (or poll its task), then store the
 * checked answer or why there is none. Idempotent: a settled hint is left alone, and the model is
 * started under the hint's own idempotency key. Retryable provider failures are thrown so the
 * queue retries with backoff (and the dead-letter handler records the last reason).
 */
export async function runModerationHint(deps: Deps, kind: HintSubject, id: string): Promise<void> {
  const hint = await findHint(deps.db, kind, id);
  if (hint?.status !== "pending") return;
  const attempts = await countHintAttempt(deps.db, kind, id, deps.clock.date());
  if (attempts === null) return;
  if (attempts > MAX_HINT_ATTEMPTS) {
    await failHint(deps.db, kind, id, "timed_out: the model did not answer in time", deps.clock.date());
    return;
  }
  const input = JSON.parse(hint.input) as ModelTaskInput;
  const result = await advanceModelTask(deps, hint.modelId, hint.providerTaskId, input);
  if (result.kind === "failed") {
    await failHint(deps.db, kind, id, result.error, deps.clock.date());
    return;
  }
  if (result.kind === "pending") {
    await saveHintProviderTask(deps.db, kind, id, result.taskId, deps.clock.date());
    await deps.queue.send({ kind: "moderation.hint", subjectKind: kind, subjectId: id }, { delaySeconds: HINT_POLL_DELAY_SECONDS });
    return;
  }
  const answer = readModelJson(result.output, HintAnswer);
  if (!answer.ok) {
    deps.log("warn", "moderation hint refused", { kind, id, reason: answer.reason });
    await failHint(deps.db, kind, id, answer.reason, deps.clock.date());
    return;
  }
  const labels = [...answer.value.labels].sort((a, b) => b.confidence - a.confidence);
  await completeHint(deps.db, kind, id, JSON.stringify(labels), answer.value.reason, deps.clock.date());
}

/** A hint whose job exhausted its retries: recorded as failed with the reason, so moderators see why there is none. */
export async function giveUpModerationHint(deps: Deps, kind: HintSubject, id: string): Promise<void> {
  await failHint(deps.db, kind, id, "provider_unavailable: the model could not be reached after several tries", deps.clock.date());
}

/** The hints of several items of one kind (a moderation page), by item id; items without one are absent. */
export async function hintsOf(deps: Deps, kind: HintSubject, ids: readonly string[]): Promise<Map<string, HintView>> {
  const rows = await findHints(deps.db, kind, ids);
  return new Map(rows.map((row) => [row.subjectId, hintView(row)]));
}
