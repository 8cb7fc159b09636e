import { z } from "zod";
import { ApiError, badRequest, conflict, notFound } from "../http/errors";
import type { Deps } from "../platform/deps-types";
import { advanceModelTask } from "../studio/providers/model-step";
import { readModelJson } from "../studio/providers/model-json";
import type { ModelTaskInput } from "../studio/providers/model-tasks";
import {
  type CaptionRecord,
  completeCaption,
  countCaptionAttempt,
  failCaption,
  findCaption,
  insertCaption,
  listCaptions,
  retryFailedCaption,
  setCaptionSource,
} from "./caption-records";
import { findVideo, type VideoRecord } from "./records";
import { visibleVideo } from "./videos";
import { isModerator, type Viewer } from "./visibility";
import { toWebVtt, webVttText } from "./webvtt";

/** Runs of one caption job (start, then polls) before it is given up as `timed_out`. */
export const MAX_CAPTION_ATTEMPTS = 60;
/** Seconds between looks at Stream's captions while it generates them. */
export const STREAM_CAPTION_POLL_SECONDS = 30;
/** Seconds between polls of a transcript model that answers later. */
export const TRANSCRIPT_POLL_SECONDS = 5;

/** The transcript model's answer: timed cues of what is said. */
const TranscriptAnswer = z.object({
  cues: z
    .array(z.object({ startSeconds: z.number().min(0), endSeconds: z.number().min(0), text: z.string().max(500) }))
    .min(1)
    .max(2000),
});

function transcriptSchema(durationSeconds: number | null) {
  const bound = Math.max(1, Math.ceil(durationSeconds ?? 3600));
  const time = { type: "number", minimum: 0, maximum: bound };
  return {
    type: "object",
    properties: {
      cues: {
        type: "array",
        minItems: 1,
        maxItems: 2000,
        items: {
          type: "object",
          properties: { startSeconds: time, endSeconds: time, text: { type: "string", minLength: 1, maxLength: 200 } },
          required: ["startSeconds", "endSeconds", "text"],
        },
      },
    },
    required: ["cues"],
  };
}

/**
 * Asks for the video's captions once it is ready (in VIDEO_CAPTION_LANGUAGE): stored pending,
 * then queued. Never fails its caller (the video is ready whatever the captions do): a queue that
 * refuses is recorded as the captions' failure.
 */
export async function requestCaptions(deps: Deps, video: Pick<VideoRecord, "id">): Promise<void> {
  const language = deps.config.video.captionLanguage;
  if (!language) return;
  const now = deps.clock.date();
  try {
    if (!(await insertCaption(deps.db, { videoId: video.id, language, createdAt: now, updatedAt: now }))) return;
  } catch (error) {
    deps.log("error", "captions not stored", { videoId: video.id, error: String(error) });
    return;
  }
  await queueCaptions(deps, video.id, language);
}

/**
 * Queues the `video.captions` job for pending captions; false when the queue refused, which is
 * recorded as the captions' failure (so the owner sees why, and can ask again).
 */
async function queueCaptions(deps: Deps, videoId: string, language: string): Promise<boolean> {
  try {
    await deps.queue.send({ kind: "video.captions", videoId, language });
    return true;
  } catch (error) {
    deps.log("error", "captions not queued", { videoId, error: String(error) });
    await failCaption(deps.db, videoId, language, "queue_unavailable: the captions could not be queued", deps.clock.date());
    return false;
  }
}

/** Languages one video may have captions in: each is a model run (or Stream's work), so an owner cannot ask for dozens. */
export const MAX_CAPTION_LANGUAGES = 5;

/**
 * Captions asked for by hand (POST /v1/videos/{id}/captions): for a video that was ready before
 * captions existed, or whose captions failed. Through the same row and queue as the ready-hook's
 * (`requestCaptions`). Idempotent: pending captions are answered as pending and nothing more is
 * queued; failed ones go back to pending once (a conditional update, so two asks queue one job);
 * ready ones are kept (`409 captions_exist`), never replaced.
 */
export async function askForCaptions(
  deps: Deps,
  asker: Viewer,
  videoId: string,
  requested: string | undefined,
): Promise<{ language: string; status: "pending" }> {
  const video = await findVideo(deps.db, videoId);
  // Someone else's video answers like one that does not exist, as the owner's other actions do.
  if (!video || (video.ownerId !== asker.userId && !isModerator(asker))) throw notFound("No such video");
  if (!video.streamUid || video.status === "uploading" || video.status === "processing" || video.status === "failed")
    throw conflict("not_ready", "Captions can be made once the video is ready");
  const language = requested ?? deps.config.video.captionLanguage;
  if (!language) throw badRequest("language_required", "Captions are not made here by default (VIDEO_CAPTION_LANGUAGE is empty): name a language");
  const pending = { language, status: "pending" as const };
  const existing = await findCaption(deps.db, video.id, language);
  if (existing?.status === "pending") return pending;
  if (existing?.status === "ready") throw conflict("captions_exist", `The video has captions in ${language} already`);
  const now = deps.clock.date();
  if (existing) {
    if (!(await retryFailedCaption(deps.db, video.id, language, now))) return pending;
  } else {
    if ((await listCaptions(deps.db, video.id)).length >= MAX_CAPTION_LANGUAGES)
      throw conflict("too_many_caption_languages", `A video has captions in at most ${MAX_CAPTION_LANGUAGES} languages`);
    if (!(await insertCaption(deps.db, { videoId: video.id, language, createdAt: now, updatedAt: now }))) return pending;
  }
  if (!(await queueCaptions(deps, video.id, language))) throw new ApiError(503, "queue_unavailable", "The captions could not be queued; try again");
  return pending;
}

function transcriptInput(video: VideoRecord, caption: CaptionRecord): ModelTaskInput {
  const language = caption.language;
  return {
    prompt: [
      `Transcribe what is said in this video, in the language ${language}, as timed caption cues of at most two lines each.`,
      `Its title: ${JSON.stringify(video.title)}${video.description ? `; its description: ${JSON.stringify(video.description.slice(0, 500))}` : ""}.`,
      `It lasts ${Math.round(video.durationSeconds ?? 0)} seconds. Answer with one JSON object of the given schema: cues, each with startSeconds, endSeconds and text.`,
    ].join("\n"),
    params: { responseSchema: transcriptSchema(video.durationSeconds) },
    // The video's playback address, for a transcript model that fetches the media (`{{parentImageUrl}}` in its request template).
    ...(video.hlsUrl ? { parentImageUrl: video.hlsUrl } : {}),
    // Each ask of its own (a failed one asked again starts anew), so a provider does not answer a retry with the failed run.
    idempotencyKey: `captions-${video.id}-${language}-${caption.createdAt.getTime()}`,
  };
}

/**
 * The JOBS consumer's work for one video's captions: Stream's own where the host makes them
 * (asked once, then looked at until ready, the WebVTT copied here), else the transcript model's
 * cues turned into WebVTT. Idempotent: settled captions are left alone and each store only
 * changes a pending row. A host or provider that fails for now is thrown, so the queue retries.
 */
export async function runCaptions(deps: Deps, videoId: string, language: string): Promise<void> {
  const caption = await findCaption(deps.db, videoId, language);
  if (caption?.status !== "pending") return;
  const attempts = await countCaptionAttempt(deps.db, videoId, language, deps.clock.date());
  if (attempts === null) return;
  const fail = (reason: string) => failCaption(deps.db, videoId, language, reason, deps.clock.date());
  if (attempts > MAX_CAPTION_ATTEMPTS) return fail("timed_out: the captions did not arrive in time");
  const video = await findVideo(deps.db, videoId);
  if (!video) return;
  if (caption.source !== "transcript" && (await fromStream(deps, video, caption))) return;
  await fromTranscript(deps, video, caption);
}

/** Stream's captions; false when the host makes none (then the transcript model does). */
async function fromStream(deps: Deps, video: VideoRecord, caption: CaptionRecord): Promise<boolean> {
  const host = deps.videoHost;
  const state = host && video.streamUid ? await host.generateCaptions(video.streamUid, caption.language) : null;
  if (state === null) return false;
  const now = deps.clock.date();
  if (caption.source === null) await setCaptionSource(deps.db, video.id, caption.language, { source: "stream" }, now);
  if (state === "inprogress") {
    await deps.queue.send({ kind: "video.captions", videoId: video.id, language: caption.language }, { delaySeconds: STREAM_CAPTION_POLL_SECONDS });
    return true;
  }
  if (state === "error") {
    await failCaption(
      deps.db,
      video.id,
      caption.language,
      "stream_failed: Stream could not generate captions (no speech, or the language is not supported)",
      now,
    );
    return true;
  }
  const vtt = await host!.captionsVtt(video.streamUid!, caption.language);
  if (vtt === null) await failCaption(deps.db, video.id, caption.language, "stream_failed: Stream has no captions file", now);
  else await completeCaption(deps.db, video.id, caption.language, vtt, webVttText(vtt), now);
  return true;
}

async function fromTranscript(deps: Deps, video: VideoRecord, caption: CaptionRecord): Promise<void> {
  const fail = (reason: string) => failCaption(deps.db, video.id, caption.language, reason, deps.clock.date());
  const modelId = caption.modelId ?? deps.config.video.transcriptModel;
  if (!modelId) return fail("captions_unavailable: Stream makes no captions here and no transcript model is configured (VIDEO_TRANSCRIPT_MODEL)");
  if (caption.source === null) await setCaptionSource(deps.db, video.id, caption.language, { source: "transcript", modelId }, deps.clock.date());
  const result = await advanceModelTask(deps, modelId, caption.providerTaskId, transcriptInput(video, caption));
  if (result.kind === "failed") return fail(result.error);
  if (result.kind === "pending") {
    await setCaptionSource(deps.db, video.id, caption.language, { source: "transcript", modelId, providerTaskId: result.taskId }, deps.clock.date());
    await deps.queue.send({ kind: "video.captions", videoId: video.id, language: caption.language }, { delaySeconds: TRANSCRIPT_POLL_SECONDS });
    return;
  }
  const answer = readModelJson(result.output, TranscriptAnswer);
  if (!answer.ok) return fail(answer.reason);
  const vtt = toWebVtt(answer.value.cues);
  await completeCaption(deps.db, video.id, caption.language, vtt, webVttText(vtt), deps.clock.date());
}

/** Captions whose job exhausted its retries (Stream or the provider kept failing): failed, with why. */
export async function giveUpCaptions(deps: Deps, videoId: string, language: string): Promise<void> {
  await failCaption(deps.db, videoId, language, "provider_unavailable: the captions could not be made after several tries", deps.clock.date());
}

export interface CaptionView {
  language: string;
  /** The language's name in itself (`English`, `Deutsch`), for the player's menu. */
  label: string;
  status: "pending" | "ready" | "failed";
  source: "stream" | "transcript" | null;
  /** The WebVTT file, once ready. */
  url: string | null;
  /** Why there are none (owner and moderators only). */
  error?: string | null;
}

function languageLabel(language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: "language" }).of(language) ?? language;
  } catch {
    return language;
  }
}

/** The video's captions for whoever may see the video: everyone sees the ready ones; the owner and moderators also pending and failed ones, with why. */
export async function videoCaptionList(deps: Deps, videoId: string, viewer: Viewer | null): Promise<CaptionView[]> {
  const video = await visibleVideo(deps, videoId, viewer);
  const insider = viewer?.userId === video.ownerId || isModerator(viewer);
  const rows = await listCaptions(deps.db, video.id);
  return rows
    .filter((row) => insider || row.status === "ready")
    .map((row) => ({
      language: row.language,
      label: languageLabel(row.language),
      status: row.status,
      source: row.source,
      url: row.status === "ready" ? `/v1/videos/${encodeURIComponent(video.id)}/captions/${encodeURIComponent(row.language)}.vtt` : null,
      ...(insider ? { error: row.error } : {}),
    }));
}

/** The ready captions' WebVTT, for whoever may see the video; else 404. */
export async function videoCaptionFile(deps: Deps, videoId: string, language: string, viewer: Viewer | null): Promise<string> {
  const video = await visibleVideo(deps, videoId, viewer);
  const caption = await findCaption(deps.db, video.id, language);
  if (caption?.status !== "ready" || caption.vtt === null) throw notFound("No captions in this language");
  return caption.vtt;
}
