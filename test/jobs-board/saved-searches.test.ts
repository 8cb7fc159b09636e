import { describe, expect, it } from "vitest";
import type { JobMessage } from "../../shared/env";
import { queueDigests, runDigests } from "../../shared/jobs-board/saved-searches/saved-searches";
import { expectProblem } from "../helpers";
import { testDeps } from "../kit/deps";
import { mailbox, waitForMail } from "../kit/mailbox";
import { api, createCompany, ok, postVacancy, registerUser } from "./fixtures";

const word = () => `zq${Math.random().toString(36).slice(2, 9)}`;
const save = (token: string, body: unknown) => api("/v1/me/saved-searches", { token, body });

describe("POST, GET, DELETE /v1/me/saved-searches", () => {
  it("saves the query parameters of a vacancy search; lists and deletes only your own", async () => {
    const [user, other] = [await registerUser(), await registerUser()];
    const saved = await ok(
      save(user.accessToken, { name: "Go in Berlin", query: { q: "go", lat: "52.52", lng: "13.405", radiusKm: "25", sort: "distance" } }),
      201,
    );
    expect(saved).toMatchObject({ name: "Go in Berlin", query: { q: "go", lat: "52.52", lng: "13.405", radiusKm: "25" } });
    expect((await ok(api("/v1/me/saved-searches", { token: user.accessToken }))).items.map((s: any) => s.id)).toEqual([saved.id]);
    expect((await ok(api("/v1/me/saved-searches", { token: other.accessToken }))).items).toEqual([]);
    await expectProblem(await api(`/v1/me/saved-searches/${saved.id}`, { method: "DELETE", token: other.accessToken }), 404);
    expect((await api(`/v1/me/saved-searches/${saved.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect((await ok(api("/v1/me/saved-searches", { token: user.accessToken }))).items).toEqual([]);
  });

  it("refuses no token (401), a query that is no valid search (400) and an eleventh search (409)", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/me/saved-searches", { body: { name: "x", query: {} } }), 401);
    await expectProblem(await api("/v1/me/saved-searches"), 401);
    await expectProblem(await save(user.accessToken, { name: "x", query: { salaryMin: "lots", currency: "EUR" } }), 400, "invalid_body");
    await expectProblem(await save(user.accessToken, { name: "x", query: { lat: "52" } }), 400);
    await expectProblem(await save(user.accessToken, { name: "", query: {} }), 400, "invalid_body");
    await expectProblem(await save(user.accessToken, { name: "x", query: { q: 5 } }), 400, "invalid_body");
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) => save(user.accessToken, { name: `s${i}`, query: { q: `w${i}` } })));
    expect(all.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), 409, 409]);
  });
});

describe("the daily digest", () => {
  it("e-mails the vacancies published since the last digest, once; the cron queues every saved search in batches", async () => {
    const [seeker, owner] = [await registerUser(), await registerUser()];
    const topic = word();
    const saved = await ok(save(seeker.accessToken, { name: "My topic", query: { q: topic } }), 201);
    const company = await createCompany(owner);
    const vacancy = await postVacancy(owner, company.id, { title: `Engineer ${topic}` });
    await postVacancy(owner, company.id, { title: "Unrelated" });
    const deps = testDeps();
    expect(await runDigests(deps, [saved.id])).toBe(1);
    const [mail] = await waitForMail(seeker.email, /1 new vacancy for "My topic"/);
    expect(mail!.text).toContain(`/app/jobs/vacancies/${vacancy.id}`);
    expect(mail!.text).not.toContain("Unrelated");
    // Run again (a redelivered job, or tomorrow with nothing new): nothing more is sent.
    expect(await runDigests(deps, [saved.id])).toBe(0);
    expect(await mailbox(seeker.email)).toHaveLength(1);

    const sent: JobMessage[] = [];
    const queued = await queueDigests(
      testDeps({
        queue: {
          send: async (job) => void sent.push(job),
          sendBatch: async (jobs) => void sent.push(...jobs),
        },
      }),
    );
    expect(queued).toBeGreaterThan(0);
    const ids = sent.flatMap((job) => (job.kind === "jobs.digest" ? job.savedSearchIds : []));
    expect(ids).toContain(saved.id);
    for (const job of sent) expect(job.kind === "jobs.digest" && job.savedSearchIds.length).toBeLessThanOrEqual(10);
  });
});
