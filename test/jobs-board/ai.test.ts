import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkModelAnswer } from "../../shared/jobs-board/ai/ai-tasks";
import type { QueuedJob } from "../../shared/env";
import worker from "../../workers/index";
import { expectProblem } from "../helpers";
import { api, createCompany, createVacancy, joinCompany, ok, postVacancy, publishVacancy, registerUser } from "./fixtures";

/** Runs the JOBS consumer on one `jobs.ai` message (a no-op when the queue already ran it). */
async function runTask(taskId: string): Promise<void> {
  const batch = createMessageBatch<QueuedJob>("edge-platform-jobs", [
    { id: `ai-${taskId}`, timestamp: new Date(), attempts: 1, body: { kind: "jobs.ai", taskId } },
  ]);
  await worker.queue(batch, env, createExecutionContext());
}

describe("POST /v1/vacancies/drafts, GET /v1/vacancies/drafts/:id", () => {
  it("a member's notes become a draft vacancy through the development model, the same notes the same draft", async () => {
    const [owner, recruiter, outsider] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner, { name: "Acme Robotics" });
    await joinCompany(company.id, owner, recruiter);
    const notes = "Senior Go engineer for our warehouse robots, Berlin or remote, 70-90k EUR";
    const accepted = await ok(api("/v1/vacancies/drafts", { token: recruiter.accessToken, body: { companyId: company.id, notes } }), 202);
    expect(accepted).toEqual({ id: expect.any(String), status: "pending" });
    await runTask(accepted.id);
    const draft = await ok(api(`/v1/vacancies/drafts/${accepted.id}`, { token: owner.accessToken }));
    expect(draft.status, JSON.stringify(draft)).toBe("completed");
    expect(draft.vacancy).toMatchObject({ id: accepted.id, companyId: company.id, status: "draft" });
    expect(draft.vacancy.title.length).toBeGreaterThan(0);
    expect(draft.vacancy.salary).toMatchObject({ currency: expect.stringMatching(/^[A-Z]{3}$/) });
    // The notes say "remote": the draft says so too; its role is a word of the notes, not its seniority.
    expect(draft.vacancy).toMatchObject({ remote: true, seniority: "senior" });
    expect(draft.vacancy.role).not.toBe("senior");
    // the draft is an ordinary vacancy: editable and publishable by members
    expect((await ok(api(`/v1/vacancies/${accepted.id}`, { token: recruiter.accessToken }))).status).toBe("draft");
    expect((await publishVacancy(recruiter, accepted.id)).status).toBe("published");
    // running the message again creates nothing new
    await runTask(accepted.id);
    expect((await ok(api(`/v1/vacancies/drafts/${accepted.id}`, { token: owner.accessToken }))).vacancy.status).toBe("published");

    const again = await ok(api("/v1/vacancies/drafts", { token: owner.accessToken, body: { companyId: company.id, notes } }), 202);
    await runTask(again.id);
    const second = await ok(api(`/v1/vacancies/drafts/${again.id}`, { token: owner.accessToken }));
    expect({ ...second.vacancy, id: "", createdAt: "", updatedAt: "", status: "", publishedAt: null }).toEqual({
      ...draft.vacancy,
      id: "",
      createdAt: "",
      updatedAt: "",
      status: "",
      publishedAt: null,
    });

    await expectProblem(await api(`/v1/vacancies/drafts/${accepted.id}`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/vacancies/drafts/${accepted.id}`), 401);
    await expectProblem(await api("/v1/vacancies/drafts/00000000-0000-7000-8000-000000000000", { token: owner.accessToken }), 404);
  });

  it("refuses outsiders (403), unknown companies (404), no token (401) and bad bodies (400)", async () => {
    const [owner, outsider] = [await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    await expectProblem(await api("/v1/vacancies/drafts", { token: outsider.accessToken, body: { companyId: company.id, notes: "x" } }), 403);
    await expectProblem(
      await api("/v1/vacancies/drafts", { token: owner.accessToken, body: { companyId: "00000000-0000-7000-8000-000000000000", notes: "x" } }),
      404,
    );
    await expectProblem(await api("/v1/vacancies/drafts", { body: { companyId: company.id, notes: "x" } }), 401);
    await expectProblem(await api("/v1/vacancies/drafts", { token: owner.accessToken, body: { companyId: company.id } }), 400, "invalid_body");
    await expectProblem(await api("/v1/vacancies/drafts", { token: owner.accessToken, body: { companyId: company.id, notes: "" } }), 400, "invalid_body");
  });
});

describe("POST /v1/profiles/me/analysis, GET /v1/profiles/me/analysis/:id", () => {
  it("analyses the caller's profile: strengths, gaps and normalised suggested tags; only the owner reads it", async () => {
    const [user, other] = [await registerUser(), await registerUser()];
    await ok(
      api("/v1/profiles/me", {
        method: "PATCH",
        token: user.accessToken,
        body: { headline: "Backend engineer", bio: "Go, Postgres, queues", tags: ["go", "postgres"] },
      }),
    );
    const accepted = await ok(api("/v1/profiles/me/analysis", { method: "POST", token: user.accessToken }), 202);
    expect(accepted.status).toBe("pending");
    await runTask(accepted.id);
    const analysis = await ok(api(`/v1/profiles/me/analysis/${accepted.id}`, { token: user.accessToken }));
    expect(analysis.status, JSON.stringify(analysis)).toBe("completed");
    expect(analysis.analysis.strengths.length).toBeGreaterThan(0);
    expect(Array.isArray(analysis.analysis.gaps)).toBe(true);
    for (const tag of analysis.analysis.suggestedTags) expect(tag).toMatch(/^[\p{L}\p{N}+#._-]+$/u);
    await expectProblem(await api(`/v1/profiles/me/analysis/${accepted.id}`, { token: other.accessToken }), 404);
    await expectProblem(await api(`/v1/profiles/me/analysis/${accepted.id}`), 401);
    await expectProblem(await api("/v1/profiles/me/analysis", { method: "POST" }), 401);
    await expectProblem(await api("/v1/profiles/me/analysis/%20", { token: user.accessToken }), 404);
  });
});

describe("POST /v1/profiles/me/intro-script, GET /v1/profiles/me/intro-script/:id", () => {
  it("suggests a script and talking points from the profile and a vacancy the caller can read; only the owner reads it", async () => {
    const [user, other, owner] = [await registerUser(), await registerUser(), await registerUser()];
    await ok(api("/v1/profiles/me", { method: "PATCH", token: user.accessToken, body: { headline: "Warehouse robotics engineer", tags: ["go"] } }));
    const company = await createCompany(owner, { name: "Acme Robotics" });
    const published = await postVacancy(owner, company.id, { title: "Go engineer" });
    const accepted = await ok(api("/v1/profiles/me/intro-script", { token: user.accessToken, body: { vacancyId: published.id } }), 202);
    expect(accepted).toEqual({ id: expect.any(String), status: "pending" });
    await runTask(accepted.id);
    const script = await ok(api(`/v1/profiles/me/intro-script/${accepted.id}`, { token: user.accessToken }));
    expect(script.status, JSON.stringify(script)).toBe("completed");
    expect(script.script.script.length).toBeGreaterThan(0);
    expect(script.script.talkingPoints.length).toBeGreaterThan(0);
    // Without a vacancy it introduces the person in general; the same input gives the same script (a deterministic development model).
    const general = await ok(api("/v1/profiles/me/intro-script", { token: user.accessToken, body: {} }), 202);
    await runTask(general.id);
    expect((await ok(api(`/v1/profiles/me/intro-script/${general.id}`, { token: user.accessToken }))).status).toBe("completed");

    await expectProblem(await api(`/v1/profiles/me/intro-script/${accepted.id}`, { token: other.accessToken }), 404);
    await expectProblem(await api(`/v1/profiles/me/intro-script/${accepted.id}`), 401);
    await expectProblem(await api("/v1/profiles/me/intro-script", { body: {} }), 401);
    // A draft vacancy of a company the caller is not in is as unknown as a missing one.
    const draft = await createVacancy(owner, company.id, { title: "Secret" });
    await expectProblem(await api("/v1/profiles/me/intro-script", { token: user.accessToken, body: { vacancyId: draft.id } }), 404);
    await expectProblem(await api("/v1/profiles/me/intro-script", { token: user.accessToken, body: { vacancyId: 7 } }), 400);
    await expectProblem(await api("/v1/profiles/me/intro-script", { token: user.accessToken, body: { extra: true } }), 400);
    // A profile analysis id is not a script.
    const analysis = await ok(api("/v1/profiles/me/analysis", { method: "POST", token: user.accessToken }), 202);
    await expectProblem(await api(`/v1/profiles/me/intro-script/${analysis.id}`, { token: user.accessToken }), 404);
  });
});

describe("the model's answer is checked before it is stored", () => {
  it("refuses what is not JSON, misses fields, has extra ones or breaks a rule", () => {
    const text = (value: unknown) => ({ kind: "text" as const, text: typeof value === "string" ? value : JSON.stringify(value) });
    const good = {
      title: "Go engineer",
      description: "Robots.",
      tags: ["go"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      salary: { min: 70000, max: 90000, currency: "EUR", period: "year" },
    };
    expect(checkModelAnswer("vacancy-draft", text(good)).ok).toBe(true);
    // Whether the work can be remote: said, or left out (then it cannot).
    const remote = checkModelAnswer("vacancy-draft", text({ ...good, remote: true }));
    expect(remote.ok && remote.value).toMatchObject({ remote: true });
    const silent = checkModelAnswer("vacancy-draft", text(good));
    expect(silent.ok && silent.value).toMatchObject({ remote: false });
    expect(checkModelAnswer("vacancy-draft", text({ ...good, remote: "yes" })).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", text("Sure! Here is your vacancy: ...")).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", text({ ...good, title: undefined })).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", text({ ...good, admin: true })).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", text({ ...good, salary: { ...good.salary, currency: "euro" } })).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", text({ ...good, salary: { ...good.salary, min: -1 } })).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", text({ ...good, tags: ["!!!"] })).ok).toBe(false);
    const tidied = checkModelAnswer(
      "vacancy-draft",
      text({ ...good, role: "Backend Engineer", tags: ["Node JS", "node-js", "Go"], salary: { ...good.salary, min: 90000, max: 70000 } }),
    );
    expect(tidied.ok && tidied.value).toMatchObject({ role: "backend-engineer", tags: ["node-js", "go"], salary: { min: 70000, max: 90000 } });
    expect(checkModelAnswer("vacancy-draft", text({ ...good, seniority: "god" })).ok).toBe(false);
    expect(checkModelAnswer("vacancy-draft", { kind: "files", results: [] }).ok).toBe(false);
    expect(checkModelAnswer("profile-analysis", text({ strengths: ["Go"], gaps: [], suggestedTags: ["kubernetes"] })).ok).toBe(true);
    const refused = checkModelAnswer("profile-analysis", text({ strengths: [], gaps: [], suggestedTags: ["go"] }));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/^invalid_model_answer: /);
    expect(checkModelAnswer("intro-script", text({ script: "Hello, I am Ana.", talkingPoints: ["Robots"] })).ok).toBe(true);
    expect(checkModelAnswer("intro-script", text({ script: "Hello", talkingPoints: [] })).ok).toBe(false);
    expect(checkModelAnswer("intro-script", text({ script: " ", talkingPoints: ["x"] })).ok).toBe(false);
    expect(checkModelAnswer("intro-script", text({ script: "Hi", talkingPoints: ["x"], cue: "smile" })).ok).toBe(false);
  });
});

describe("the per-user AI budget (RATE_LIMIT_JOBS_AI_PER_USER, 6/3600 in tests)", () => {
  const storedTasks = async (userId: string) =>
    (await env.DB.prepare("SELECT count(*) AS n FROM jobs_ai_tasks WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;

  it("of 6 + 4 parallel draft requests exactly 6 are accepted; the rest are 429 with Retry-After and store nothing", async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api("/v1/vacancies/drafts", { token: owner.accessToken, body: { companyId: company.id, notes: `Vacancy number ${i}` } }),
      ),
    );
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(6);
    expect(refused).toHaveLength(4);
    for (const response of refused) {
      const problem = await expectProblem(response, 429, "rate_limited");
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(problem.retryAfter).toBe(Number(response.headers.get("retry-after")));
    }
    expect(await storedTasks(owner.id)).toBe(6);
    // drafts and analyses share the budget
    await expectProblem(await api("/v1/profiles/me/analysis", { method: "POST", token: owner.accessToken }), 429, "rate_limited");
    expect(await storedTasks(owner.id)).toBe(6);
    // the budget is the user's: another member of the same company still has theirs
    const recruiter = await registerUser();
    await joinCompany(company.id, owner, recruiter);
    await ok(api("/v1/vacancies/drafts", { token: recruiter.accessToken, body: { companyId: company.id, notes: "Another one" } }), 202);
  });

  it("profile analyses count too, and a refused request (403, 400) takes no slot", async () => {
    const [user, stranger] = [await registerUser(), await registerUser()];
    const company = await createCompany(stranger);
    for (let i = 0; i < 3; i++)
      await expectProblem(await api("/v1/vacancies/drafts", { token: user.accessToken, body: { companyId: company.id, notes: "x" } }), 403);
    await expectProblem(await api("/v1/vacancies/drafts", { token: user.accessToken, body: { companyId: company.id } }), 400, "invalid_body");
    const responses = await Promise.all(Array.from({ length: 8 }, () => api("/v1/profiles/me/analysis", { method: "POST", token: user.accessToken })));
    expect(responses.filter((r) => r.status === 202)).toHaveLength(6);
    for (const response of responses.filter((r) => r.status !== 202)) await expectProblem(response, 429, "rate_limited");
    expect(await storedTasks(user.id)).toBe(6);
  });
});
