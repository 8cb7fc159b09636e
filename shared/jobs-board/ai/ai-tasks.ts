import type { Deps } from "../../platform/deps-types";
import { ApiError, notFound } from "../../http/errors";
import { newId } from "../../ids";
import { enforceRateLimit } from "../../rate-limits";
import { readModelJson } from "../../studio/providers/model-json";
import { advanceModelTask } from "../../studio/providers/model-step";
import type { ModelOutput } from "../../studio/providers/provider-adapter";
import { type ModelTaskInput, requireModel } from "../../studio/providers/model-tasks";
import { requireMemberRole } from "../companies/companies";
import { findCompanyRow } from "../companies/records";
import { ownProfile } from "../profiles/profiles";
import { normalizeTags } from "../tags";
import { findVacancyRow } from "../vacancies/records";
import { getVacancy, yearly } from "../vacancies/vacancies";
import { type VacancyView, vacancyView } from "../vacancies/vacancy-view";
import {
  INTRO_SCRIPT_JSON_SCHEMA,
  IntroScriptAnswer,
  PROFILE_ANALYSIS_JSON_SCHEMA,
  ProfileAnalysisAnswer,
  VACANCY_DRAFT_JSON_SCHEMA,
  VacancyDraftAnswer,
} from "./answers";
import { type AiTaskRecord, completeAiTask, countAiAttempt, failAiTask, findAiTask, insertAiTask, saveProviderTask } from "./records";

/** Runs of one task (start, then polls) before it is given up as `timed_out`. */
export const MAX_AI_ATTEMPTS = 30;
/** Seconds between polls of a model that answers later. */
export const AI_POLL_DELAY_SECONDS = 5;

export type AiTaskStatus = "pending" | "completed" | "failed";

/** 503 when the configured model does not exist here (e.g. `dev-text` outside development). */
async function configuredModel(deps: Deps): Promise<string> {
  const modelId = deps.config.jobs.aiModel;
  try {
    await requireModel(deps, modelId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw new ApiError(503, "ai_unavailable", `The AI model ${modelId} (JOBS_AI_MODEL) is not configured`);
    throw error;
  }
  return modelId;
}

/**
 * One slot of the user's AI budget (drafts and analyses share it), taken before anything is
 * stored: the RateLimiter object decides one request at a time, so parallel requests past the
 * budget get `429 rate_limited` with Retry-After and leave no task behind.
 */
async function takeAiSlot(deps: Deps, userId: string): Promise<void> {
  await enforceRateLimit(deps, `jobs-ai:user:${userId}`, deps.config.jobs.aiRateLimit);
}

/** Stored first, then queued: an accepted task is never lost, and a queue that refuses it fails the task with its reason. */
async function queueTask(
  deps: Deps,
  task: Omit<AiTaskRecord, "status" | "providerTaskId" | "attempts" | "result" | "vacancyId" | "error">,
): Promise<{ id: string; status: AiTaskStatus }> {
  await insertAiTask(deps.db, task);
  try {
    await deps.queue.send({ kind: "jobs.ai", taskId: task.id });
  } catch (error) {
    // The task's error is shown to its owner: the queue's words stay in the log.
    deps.log("error", "AI task not queued", { taskId: task.id, error: String(error) });
    await failAiTask(deps.db, task.id, "queue_unavailable: the task could not be queued", deps.clock.date());
    throw new ApiError(503, "queue_unavailable", "The task could not be queued; try again");
  }
  return { id: task.id, status: "pending" };
}

export async function requestVacancyDraft(deps: Deps, userId: string, companyId: string, notes: string) {
  await requireMemberRole(deps, companyId, userId, ["owner", "recruiter"], "draft vacancies");
  const modelId = await configuredModel(deps);
  await takeAiSlot(deps, userId);
  const now = deps.clock.date();
  return queueTask(deps, {
    id: newId(now.getTime()),
    kind: "vacancy-draft",
    userId,
    companyId,
    input: JSON.stringify({ notes }),
    modelId,
    createdAt: now,
    updatedAt: now,
  });
}

export async function requestProfileAnalysis(deps: Deps, userId: string) {
  const modelId = await configuredModel(deps);
  const profile = await ownProfile(deps, userId);
  await takeAiSlot(deps, userId);
  const now = deps.clock.date();
  const input = {
    headline: profile.headline,
    bio: profile.bio,
    tags: profile.tags,
    links: profile.links.map((l) => l.url),
    location: profile.location?.place ?? null,
  };
  return queueTask(deps, {
    id: newId(now.getTime()),
    kind: "profile-analysis",
    userId,
    companyId: null,
    input: JSON.stringify(input),
    modelId,
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * A script and talking points for recording a video introduction, from the caller's profile and,
 * when they name one they can read, the vacancy they are applying to. The web app shows the script
 * as a teleprompter beside the camera while recording.
 */
export async function requestIntroScript(deps: Deps, userId: string, vacancyId?: string) {
  const modelId = await configuredModel(deps);
  const profile = await ownProfile(deps, userId);
  const vacancy = vacancyId === undefined ? null : await getVacancy(deps, vacancyId, userId);
  await takeAiSlot(deps, userId);
  const now = deps.clock.date();
  const input = {
    displayName: profile.displayName,
    headline: profile.headline,
    bio: profile.bio.slice(0, 2000),
    tags: profile.tags,
    vacancy: vacancy ? { title: vacancy.title, description: vacancy.description.slice(0, 2000), tags: vacancy.tags } : null,
  };
  return queueTask(deps, {
    id: newId(now.getTime()),
    kind: "intro-script",
    userId,
    companyId: null,
    input: JSON.stringify(input),
    modelId,
    createdAt: now,
    updatedAt: now,
  });
}

export interface IntroScriptView {
  id: string;
  status: AiTaskStatus;
  script?: IntroScriptAnswer;
  error?: string;
  createdAt: string;
}

export async function introScript(deps: Deps, id: string, userId: string): Promise<IntroScriptView> {
  const task = await ownTask(deps, id, userId, "intro-script", "No such script");
  return { ...taskFields(task), ...answerOf(task, "script", IntroScriptAnswer) };
}

/** What every task view says: which task, how far it is, why it failed, when it was asked. */
function taskFields(task: AiTaskRecord) {
  return { id: task.id, status: task.status, ...(task.error ? { error: task.error } : {}), createdAt: task.createdAt.toISOString() };
}

/** One of the caller's own tasks of `kind`; another's, another kind or none is 404. */
async function ownTask(deps: Deps, id: string, userId: string, kind: AiTaskRecord["kind"], missing: string): Promise<AiTaskRecord> {
  const task = await findAiTask(deps.db, id);
  if (task?.kind !== kind || task.userId !== userId) throw notFound(missing);
  return task;
}

/** A completed task's stored answer under `key`, read through its schema (nothing before it completes). */
function answerOf<K extends string, T>(task: AiTaskRecord, key: K, schema: { parse(value: unknown): T }): { [P in K]?: T } {
  return task.status === "completed" && task.result ? ({ [key]: schema.parse(JSON.parse(task.result)) } as { [P in K]?: T }) : {};
}

export interface VacancyDraftView {
  id: string;
  status: AiTaskStatus;
  /** The draft vacancy made from the answer (status `draft`), once completed. */
  vacancy?: VacancyView;
  error?: string;
  createdAt: string;
}

/** Company members see the company's drafts; anyone else gets 404. */
export async function vacancyDraft(deps: Deps, id: string, userId: string): Promise<VacancyDraftView> {
  const task = await findAiTask(deps.db, id);
  if (task?.kind !== "vacancy-draft" || !task.companyId) throw notFound("No such draft");
  try {
    await requireMemberRole(deps, task.companyId, userId, ["owner", "recruiter"], "read its drafts");
  } catch {
    throw notFound("No such draft");
  }
  const row = task.vacancyId ? await findVacancyRow(deps.db, task.vacancyId) : undefined;
  return { ...taskFields(task), ...(row ? { vacancy: vacancyView(row) } : {}) };
}

export interface ProfileAnalysisView {
  id: string;
  status: AiTaskStatus;
  analysis?: ProfileAnalysisAnswer;
  error?: string;
  createdAt: string;
}

export async function profileAnalysis(deps: Deps, id: string, userId: string): Promise<ProfileAnalysisView> {
  const task = await ownTask(deps, id, userId, "profile-analysis", "No such analysis");
  return { ...taskFields(task), ...answerOf(task, "analysis", ProfileAnalysisAnswer) };
}

async function modelInput(deps: Deps, task: AiTaskRecord): Promise<ModelTaskInput> {
  const input = JSON.parse(task.input) as Record<string, unknown>;
  if (task.kind === "vacancy-draft") {
    const company = task.companyId ? await findCompanyRow(deps.db, task.companyId) : undefined;
    return {
      prompt: [
        // What people wrote goes in as JSON strings: quoted, it cannot pass for instructions (and the development model echoes it).
        `Write a job vacancy for the company ${JSON.stringify(company?.company.name ?? "unknown")}${company?.company.about ? ` (about it: ${JSON.stringify(company.company.about.slice(0, 500))})` : ""}.`,
        `The recruiter's notes: ${JSON.stringify(String(input.notes))}`,
        "Answer with one JSON object of the given schema: title, description, tags (lower case), role (a slug), employmentType, seniority, remote (whether the notes say the work can be done remotely), and a salary suggestion.",
      ].join("\n"),
      params: { responseSchema: VACANCY_DRAFT_JSON_SCHEMA },
      idempotencyKey: task.id,
    };
  }
  if (task.kind === "intro-script") {
    return {
      prompt: [
        "Write what this job seeker says in a video introduction of about one minute: first person, plain spoken sentences, no stage directions.",
        input.vacancy ? "They record it for the vacancy below: speak to what it asks for." : "It introduces them to recruiters in general.",
        `Their profile: ${JSON.stringify({ name: input.displayName, headline: input.headline, bio: input.bio, tags: input.tags })}`,
        ...(input.vacancy ? [`The vacancy: ${JSON.stringify(input.vacancy)}`] : []),
        "Answer with one JSON object of the given schema: script (the words to read), talkingPoints (at most 8 short reminders).",
      ].join("\n"),
      params: { responseSchema: INTRO_SCRIPT_JSON_SCHEMA },
      idempotencyKey: task.id,
    };
  }
  return {
    prompt: [
      "Analyse this job seeker's profile: what are their strengths, what is missing for the roles their profile aims at, and which tags should it carry?",
      `Profile: ${JSON.stringify(input)}`,
      "Answer with one JSON object of the given schema: strengths, gaps, suggestedTags (lower case).",
    ].join("\n"),
    params: { responseSchema: PROFILE_ANALYSIS_JSON_SCHEMA },
    idempotencyKey: task.id,
  };
}

/** The model's JSON, checked against the task's schema; a reason when it does not fit. */
export function checkModelAnswer(
  kind: AiTaskRecord["kind"],
  output: ModelOutput,
): { ok: true; value: VacancyDraftAnswer | ProfileAnalysisAnswer | IntroScriptAnswer } | { ok: false; reason: string } {
  const schema = kind === "vacancy-draft" ? VacancyDraftAnswer : kind === "intro-script" ? IntroScriptAnswer : ProfileAnalysisAnswer;
  return readModelJson<VacancyDraftAnswer | ProfileAnalysisAnswer | IntroScriptAnswer>(output, schema);
}

async function complete(deps: Deps, task: AiTaskRecord, answer: VacancyDraftAnswer | ProfileAnalysisAnswer | IntroScriptAnswer): Promise<void> {
  const now = deps.clock.date();
  if (task.kind === "intro-script") {
    await completeAiTask(deps.db, task.id, JSON.stringify(answer), null, now);
    return;
  }
  if (task.kind === "profile-analysis") {
    const analysis = answer as ProfileAnalysisAnswer;
    await completeAiTask(deps.db, task.id, JSON.stringify({ ...analysis, suggestedTags: normalizeTags(analysis.suggestedTags, "suggestedTags") }), null, now);
    return;
  }
  const draft = answer as VacancyDraftAnswer;
  const salary = draft.salary;
  await completeAiTask(
    deps.db,
    task.id,
    JSON.stringify(draft),
    {
      id: task.id,
      companyId: task.companyId!,
      title: draft.title,
      description: draft.description,
      tags: JSON.stringify(normalizeTags(draft.tags)),
      role: draft.role,
      employmentType: draft.employmentType,
      seniority: draft.seniority,
      salaryMin: salary.min,
      salaryMax: salary.max,
      salaryCurrency: salary.currency,
      salaryPeriod: salary.period,
      salaryMinYear: yearly(salary.min, salary.period),
      salaryMaxYear: yearly(salary.max, salary.period),
      remote: draft.remote,
      status: "draft",
      createdBy: task.userId,
      createdAt: now,
      updatedAt: now,
    },
    now,
  );
}

/**
 * The JOBS consumer's work for one task: start it (or poll the provider's task), then store the
 * checked answer or why there is none. A model that answers later is polled again after
 * AI_POLL_DELAY_SECONDS by a new message; a retryable provider failure is thrown so the queue
 * retries with backoff; after MAX_AI_ATTEMPTS runs the task fails as `timed_out`.
 */
export async function runAiTask(deps: Deps, taskId: string): Promise<void> {
  const task = await findAiTask(deps.db, taskId);
  if (task?.status !== "pending") return;
  const attempts = await countAiAttempt(deps.db, task.id, deps.clock.date());
  if (attempts === null) return;
  if (attempts > MAX_AI_ATTEMPTS) {
    await failAiTask(deps.db, task.id, "timed_out: the model did not answer in time", deps.clock.date());
    return;
  }
  if (task.kind === "vacancy-draft" && !(task.companyId && (await findCompanyRow(deps.db, task.companyId)))) {
    // The company was deleted (its last member deleted their account): there is nothing to draft for.
    await failAiTask(deps.db, task.id, "company_deleted: the company no longer exists", deps.clock.date());
    return;
  }
  const input = await modelInput(deps, task);
  const result = await advanceModelTask(deps, task.modelId, task.providerTaskId, input);
  if (result.kind === "failed") {
    await failAiTask(deps.db, task.id, result.error, deps.clock.date());
    return;
  }
  if (result.kind === "pending") {
    await saveProviderTask(deps.db, task.id, result.taskId, deps.clock.date());
    await deps.queue.send({ kind: "jobs.ai", taskId: task.id }, { delaySeconds: AI_POLL_DELAY_SECONDS });
    return;
  }
  const answer = checkModelAnswer(task.kind, result.output);
  if (!answer.ok) {
    deps.log("warn", "AI answer refused", { taskId: task.id, kind: task.kind, reason: answer.reason });
    await failAiTask(deps.db, task.id, answer.reason, deps.clock.date());
    return;
  }
  await complete(deps, task, answer.value);
}
