import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import worker from "../../workers/index";
import { expectProblem } from "../helpers";
import { api, createCompany, createVacancy, joinCompany, ok, publishVacancy, registerUser, search } from "./fixtures";

async function team() {
  const [owner, recruiter, outsider] = [await registerUser(), await registerUser(), await registerUser()];
  const company = await createCompany(owner);
  await joinCompany(company.id, owner, recruiter);
  return { owner, recruiter, outsider, company };
}

const runCron = (at: number) => worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: at }), env, createExecutionContext());

const full = {
  title: "Senior Backend Engineer",
  description: "Go, Postgres and queues.",
  tags: ["Go", "PostgreSQL", "go"],
  role: "Backend",
  employmentType: "full-time",
  seniority: "senior",
  salary: { min: 5000, max: 7000, currency: "EUR", period: "month" },
  remote: true,
  location: { lat: 52.52, lng: 13.405, place: "Berlin" },
};

describe("POST /v1/vacancies", () => {
  it("a member creates a draft with every field", async () => {
    const { recruiter, company } = await team();
    const draft = await createVacancy(recruiter, company.id, full);
    expect(draft).toMatchObject({
      companyId: company.id,
      company: { id: company.id, name: company.name, verified: false },
      title: "Senior Backend Engineer",
      description: "Go, Postgres and queues.",
      tags: ["go", "postgresql"],
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
      salary: { min: 5000, max: 7000, currency: "EUR", period: "month" },
      remote: true,
      location: { lat: 52.52, lng: 13.405, place: "Berlin" },
      status: "draft",
      publishAt: null,
      publishedAt: null,
    });
  });

  it("refuses outsiders (403), unknown companies (404), no token (401) and bad fields (400)", async () => {
    const { owner, outsider, company } = await team();
    const body = { companyId: company.id, title: "x", role: "backend", employmentType: "full-time", seniority: "senior" };
    await expectProblem(await api("/v1/vacancies", { token: outsider.accessToken, body }), 403);
    await expectProblem(await api("/v1/vacancies", { token: owner.accessToken, body: { ...body, companyId: "00000000-0000-7000-8000-000000000000" } }), 404);
    await expectProblem(await api("/v1/vacancies", { body }), 401);
    await expectProblem(await api("/v1/vacancies", { token: owner.accessToken, body: { ...body, employmentType: "forever" } }), 400, "invalid_body");
    await expectProblem(
      await api("/v1/vacancies", { token: owner.accessToken, body: { ...body, salary: { min: 10, max: 5, currency: "EUR", period: "year" } } }),
      400,
      "invalid_body",
    );
    await expectProblem(
      await api("/v1/vacancies", { token: owner.accessToken, body: { ...body, salary: { min: 1, max: 5, currency: "euro", period: "year" } } }),
      400,
      "invalid_body",
    );
    await expectProblem(
      await api("/v1/vacancies", { token: owner.accessToken, body: { ...body, location: { lat: 0, lng: 181, place: "x" } } }),
      400,
      "invalid_body",
    );
    await expectProblem(await api("/v1/vacancies", { token: owner.accessToken, body: { ...body, tags: ["ok", "not ok!"] } }), 400, "invalid_tag");
    await expectProblem(await api("/v1/vacancies", { token: owner.accessToken, body: "{" }), 400);
  });
});

describe("GET, PATCH, DELETE /v1/vacancies/:id", () => {
  it("drafts are visible to company members only; published ones to anyone", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const draft = await createVacancy(owner, company.id);
    await ok(api(`/v1/vacancies/${draft.id}`, { token: recruiter.accessToken }));
    await expectProblem(await api(`/v1/vacancies/${draft.id}`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/vacancies/${draft.id}`), 404);
    await expectProblem(await api(`/v1/vacancies/${draft.id}`, { token: "junk" }), 401);
    await publishVacancy(owner, draft.id);
    expect((await ok(api(`/v1/vacancies/${draft.id}`))).status).toBe("published");
  });

  it("members edit (a published vacancy's search entry follows); others 403/404; closed ones 409", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const vacancy = await publishVacancy(owner, (await createVacancy(owner, company.id, { title: "Plumber", tags: ["pipes"] })).id);
    const edited = await ok(
      api(`/v1/vacancies/${vacancy.id}`, {
        method: "PATCH",
        token: recruiter.accessToken,
        body: { title: "Électricien", tags: ["wires"], location: { lat: 48.85, lng: 2.35, place: "Paris" } },
      }),
    );
    expect(edited).toMatchObject({ title: "Électricien", tags: ["wires"], status: "published" });
    expect((await search({ q: "electricien", companyId: company.id })).items.map((v) => v.id)).toEqual([vacancy.id]);
    expect((await search({ q: "plumber", companyId: company.id })).items).toEqual([]);
    expect((await search({ tags: "wires", companyId: company.id })).items).toHaveLength(1);
    expect((await search({ tags: "pipes", companyId: company.id })).items).toHaveLength(0);
    expect((await search({ lat: 48.85, lng: 2.35, radiusKm: 1, companyId: company.id })).items).toHaveLength(1);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`, { method: "PATCH", token: outsider.accessToken, body: { title: "x" } }), 403);
    const draft = await createVacancy(owner, company.id);
    await expectProblem(await api(`/v1/vacancies/${draft.id}`, { method: "PATCH", token: outsider.accessToken, body: { title: "x" } }), 404);
    await expectProblem(await api(`/v1/vacancies/${draft.id}`, { method: "PATCH", body: { title: "x" } }), 401);
    await expectProblem(
      await api(`/v1/vacancies/${draft.id}`, { method: "PATCH", token: owner.accessToken, body: { status: "published" } }),
      400,
      "invalid_body",
    );
    await expectProblem(
      await api(`/v1/vacancies/${draft.id}`, {
        method: "PATCH",
        token: owner.accessToken,
        body: { salary: { min: 9, max: 1, currency: "EUR", period: "year" } },
      }),
      400,
      "invalid_body",
    );
    await ok(api(`/v1/vacancies/${vacancy.id}/close`, { token: owner.accessToken, body: {} }));
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`, { method: "PATCH", token: owner.accessToken, body: { title: "x" } }), 409, "vacancy_closed");
  });

  it("members delete; the vacancy leaves search", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const vacancy = await publishVacancy(owner, (await createVacancy(owner, company.id)).id);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`, { method: "DELETE", token: outsider.accessToken }), 403);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`, { method: "DELETE" }), 401);
    await expectProblem(await api("/v1/vacancies/00000000-0000-7000-8000-000000000000", { method: "DELETE", token: recruiter.accessToken }), 404);
    expect((await api(`/v1/vacancies/${vacancy.id}`, { method: "DELETE", token: recruiter.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}`), 404);
    expect((await search({ companyId: company.id })).items).toEqual([]);
  });
});

describe("POST /v1/vacancies/:id/publish and /close", () => {
  it("publishes now, closes, and refuses repeats (409), outsiders (403), no token (401), a bad publishAt (400)", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const draft = await createVacancy(owner, company.id);
    await expectProblem(await api(`/v1/vacancies/${draft.id}/publish`, { token: owner.accessToken, body: { publishAt: "tomorrow" } }), 400, "invalid_body");
    await expectProblem(await api(`/v1/vacancies/${draft.id}/publish`, { token: outsider.accessToken, body: {} }), 404);
    await expectProblem(await api(`/v1/vacancies/${draft.id}/publish`, { body: {} }), 401);
    const published = await publishVacancy(recruiter, draft.id);
    expect(published.status).toBe("published");
    expect(Date.parse(published.publishedAt)).toBeGreaterThan(Date.now() - 60_000);
    await expectProblem(await api(`/v1/vacancies/${draft.id}/publish`, { token: owner.accessToken, body: {} }), 409, "not_publishable");
    await expectProblem(await api(`/v1/vacancies/${draft.id}/close`, { token: outsider.accessToken, body: {} }), 403);
    await expectProblem(await api(`/v1/vacancies/${draft.id}/close`, { body: {} }), 401);
    const closed = await ok(api(`/v1/vacancies/${draft.id}/close`, { token: owner.accessToken, body: {} }));
    expect(closed.status).toBe("closed");
    expect(closed.closedAt).not.toBeNull();
    expect((await search({ companyId: company.id })).items).toEqual([]);
    await expectProblem(await api(`/v1/vacancies/${draft.id}/close`, { token: owner.accessToken, body: {} }), 409, "vacancy_closed");
    await expectProblem(await api(`/v1/vacancies/${draft.id}/publish`, { token: owner.accessToken, body: {} }), 409, "not_publishable");
  });

  it("a closed vacancy reopens as a draft (its applications stay) and is published again; only closed ones reopen (409); outsiders 403 (a closed vacancy is public), no token 401, a bad id 404", async () => {
    const { owner, recruiter, outsider, company } = await team();
    const vacancy = await publishVacancy(owner, (await createVacancy(owner, company.id, { title: "Reopened role" })).id);
    const reopenAs = (token: string | undefined, id = vacancy.id) => api(`/v1/vacancies/${id}/reopen`, { token, body: {} });
    await expectProblem(await reopenAs(owner.accessToken), 409, "not_closed");
    await ok(api(`/v1/vacancies/${vacancy.id}/close`, { token: owner.accessToken, body: {} }));
    await expectProblem(await reopenAs(outsider.accessToken), 403);
    await expectProblem(await reopenAs(undefined), 401);
    await expectProblem(await reopenAs(owner.accessToken, "no-such-vacancy"), 404);
    const draft = await ok(reopenAs(recruiter.accessToken));
    expect(draft).toMatchObject({ status: "draft", closedAt: null, publishAt: null });
    expect((await search({ companyId: company.id })).items).toEqual([]);
    await ok(api(`/v1/vacancies/${vacancy.id}`, { method: "PATCH", token: owner.accessToken, body: { title: "Reopened role, again" } }));
    expect((await publishVacancy(owner, vacancy.id)).status).toBe("published");
    expect((await search({ companyId: company.id })).items.map((v: { title: string }) => v.title)).toEqual(["Reopened role, again"]);
  });

  it("a scheduled vacancy is published by the cron once publishAt has come", async () => {
    const { owner, outsider, company } = await team();
    const draft = await createVacancy(owner, company.id, { title: "Scheduled role" });
    const publishAt = new Date(clock.now() + 90_000);
    const scheduled = await publishVacancy(owner, draft.id, publishAt.toISOString());
    expect(scheduled).toMatchObject({ status: "scheduled", publishAt: publishAt.toISOString(), publishedAt: null });
    await expectProblem(await api(`/v1/vacancies/${draft.id}`, { token: outsider.accessToken }), 404);
    expect((await search({ companyId: company.id })).items).toEqual([]);
    await runCron(clock.now());
    expect((await ok(api(`/v1/vacancies/${draft.id}`, { token: owner.accessToken }))).status).toBe("scheduled");
    clock.advance(91_000);
    try {
      await runCron(clock.now());
      const published = await ok(api(`/v1/vacancies/${draft.id}`));
      expect(published.status).toBe("published");
      expect(Date.parse(published.publishedAt)).toBeGreaterThanOrEqual(publishAt.getTime());
      expect((await search({ companyId: company.id })).items.map((v) => v.id)).toEqual([draft.id]);
      // running again changes nothing
      await runCron(clock.now());
      expect((await search({ companyId: company.id })).items).toHaveLength(1);
    } finally {
      clock.reset();
    }
  });

  it("a scheduled vacancy can be published at once or closed before its time", async () => {
    const { owner, company } = await team();
    const a = await createVacancy(owner, company.id);
    const b = await createVacancy(owner, company.id);
    const later = new Date(clock.now() + 3_600_000).toISOString();
    await publishVacancy(owner, a.id, later);
    await publishVacancy(owner, b.id, later);
    expect((await publishVacancy(owner, a.id)).status).toBe("published");
    expect((await ok(api(`/v1/vacancies/${b.id}/close`, { token: owner.accessToken, body: {} }))).status).toBe("closed");
    clock.advance(3_700_000);
    try {
      await runCron(clock.now());
    } finally {
      clock.reset();
    }
    expect((await ok(api(`/v1/vacancies/${b.id}`))).status).toBe("closed");
  });
});
