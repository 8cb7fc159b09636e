import { describe, expect, it } from "vitest";
import { ApplicationPushSchema } from "../../shared/push/payloads";
import { expectProblem, openSocket } from "../helpers";
import { waitForMail } from "../kit/mailbox";
import { fetchContent, samples, uniquePng, uploadFile } from "../media/fixtures";
import { eventually, startPushService, subscribeDevice } from "../push/fixtures";
import { api, createCompany, createVacancy, deleteAccount, joinCompany, ok, postVacancy, registerUser, type TestUser } from "./fixtures";

/** A company with an owner and a recruiter, one published vacancy, and a candidate with a PDF CV. */
async function hiring() {
  const [owner, recruiter, candidate, outsider] = [await registerUser(), await registerUser(), await registerUser(), await registerUser()];
  const company = await createCompany(owner);
  await joinCompany(company.id, owner, recruiter);
  const vacancy = await postVacancy(recruiter, company.id, { title: "Platform Engineer" });
  const cv = await uploadFile(candidate, samples.pdf, { purpose: "attachment", name: "cv.pdf" });
  return { owner, recruiter, candidate, outsider, company, vacancy, cv };
}

const apply = (candidate: TestUser, vacancyId: string, body: Record<string, unknown> = {}) =>
  api(`/v1/vacancies/${vacancyId}/applications`, { token: candidate.accessToken, body });

const move = (user: TestUser, id: string, body: Record<string, unknown>) => api(`/v1/applications/${id}`, { method: "PATCH", token: user.accessToken, body });

describe("POST /v1/vacancies/:id/applications", () => {
  it("a candidate applies with a cover letter and a PDF CV; the application is submitted with its first history event", async () => {
    const { candidate, vacancy, company, cv } = await hiring();
    const application = await ok(apply(candidate, vacancy.id, { coverLetter: "I run queues for a living.", cvFileId: cv.id }), 201);
    expect(application).toMatchObject({
      vacancy: { id: vacancy.id, title: "Platform Engineer", status: "published" },
      company: { id: company.id, name: company.name },
      candidate: { id: candidate.id, displayName: candidate.displayName },
      coverLetter: "I run queues for a living.",
      hasCv: true,
      videoId: null,
      status: "submitted",
      note: null,
      nextStatuses: ["withdrawn"],
      history: [{ from: null, to: "submitted", note: null, by: "candidate" }],
    });
  });

  it("one application per candidate and vacancy: the second, even sent in parallel, is 409 already_applied", async () => {
    const { candidate, vacancy } = await hiring();
    const statuses = (await Promise.all([apply(candidate, vacancy.id), apply(candidate, vacancy.id), apply(candidate, vacancy.id)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([201, 409, 409]);
    await expectProblem(await apply(candidate, vacancy.id), 409, "already_applied");
  });

  it("refuses no token (401), malformed bodies (400), drafts and unknown vacancies (404), closed ones (409), someone else's CV (404) and a non-document CV (400)", async () => {
    const { recruiter, candidate, outsider, company, vacancy } = await hiring();
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}/applications`, { body: {} }), 401);
    await expectProblem(await apply(candidate, vacancy.id, { coverLetter: 42 }), 400, "invalid_body");
    await expectProblem(await apply(candidate, vacancy.id, { extra: true }), 400, "invalid_body");
    await expectProblem(await api(`/v1/vacancies/${vacancy.id}/applications`, { token: candidate.accessToken, body: "{" }), 400);
    await expectProblem(await apply(candidate, "00000000-0000-7000-8000-000000000000"), 404);
    const draft = await createVacancy(recruiter, company.id);
    await expectProblem(await apply(candidate, draft.id), 404);
    const othersCv = await uploadFile(outsider, samples.pdf, { purpose: "attachment", name: "theirs.pdf" });
    await expectProblem(await apply(candidate, vacancy.id, { cvFileId: othersCv.id }), 404);
    const picture = await uploadFile(candidate, uniquePng(), { purpose: "attachment" });
    await expectProblem(await apply(candidate, vacancy.id, { cvFileId: picture.id }), 400, "invalid_cv");
    await expectProblem(await apply(candidate, vacancy.id, { videoId: "00000000-0000-7000-8000-000000000000" }), 404);
    await ok(api(`/v1/vacancies/${vacancy.id}/close`, { method: "POST", token: recruiter.accessToken }));
    await expectProblem(await apply(candidate, vacancy.id), 409, "vacancy_not_open");
  });
});

describe("GET /v1/me/applications and GET /v1/applications/:id", () => {
  it("a candidate sees only their own applications, newest first, paged", async () => {
    const { recruiter, candidate, outsider, company, vacancy } = await hiring();
    const second = await postVacancy(recruiter, company.id, { title: "Second" });
    const first = await ok(apply(candidate, vacancy.id), 201);
    const later = await ok(apply(candidate, second.id), 201);
    await ok(apply(outsider, vacancy.id), 201);
    const page1 = await ok(api("/v1/me/applications?limit=1", { token: candidate.accessToken }));
    expect(page1.items.map((a: any) => a.id)).toEqual([later.id]);
    const page2 = await ok(api(`/v1/me/applications?limit=1&cursor=${page1.nextCursor}`, { token: candidate.accessToken }));
    expect(page2.items.map((a: any) => a.id)).toEqual([first.id]);
    expect(page2.nextCursor).toBeNull();
    await expectProblem(await api("/v1/me/applications"), 401);
    await expectProblem(await api("/v1/me/applications?cursor=nonsense", { token: candidate.accessToken }), 400, "invalid_cursor");
    await expectProblem(await api(`/v1/applications/${first.id}`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/applications/${first.id}`), 401);
    expect((await ok(api(`/v1/applications/${first.id}`, { token: recruiter.accessToken }))).nextStatuses).toEqual([
      "reviewing",
      "interview",
      "offer",
      "hired",
      "rejected",
    ]);
  });
});

describe("GET /v1/companies/:id/applications", () => {
  it("members list the company's applications by vacancy and status; a recruiter of another company sees nothing (404)", async () => {
    const { owner, recruiter, candidate, company, vacancy } = await hiring();
    const other = await postVacancy(recruiter, company.id, { title: "Other" });
    const rival = await registerUser();
    const rivalCompany = await createCompany(rival);
    const a = await ok(apply(candidate, vacancy.id), 201);
    const b = await ok(apply(await registerUser(), other.id), 201);
    await ok(move(recruiter, b.id, { status: "reviewing" }));
    const all = await ok(api(`/v1/companies/${company.id}/applications`, { token: owner.accessToken }));
    expect(all.items.map((x: any) => x.id)).toEqual([b.id, a.id]);
    const byVacancy = await ok(api(`/v1/companies/${company.id}/applications?vacancyId=${vacancy.id}`, { token: recruiter.accessToken }));
    expect(byVacancy.items.map((x: any) => x.id)).toEqual([a.id]);
    const reviewing = await ok(api(`/v1/companies/${company.id}/applications?status=reviewing`, { token: recruiter.accessToken }));
    expect(reviewing.items.map((x: any) => x.id)).toEqual([b.id]);
    // Another company's vacancy through this company's list: nothing.
    const theirs = await postVacancy(rival, rivalCompany.id);
    expect((await ok(api(`/v1/companies/${company.id}/applications?vacancyId=${theirs.id}`, { token: owner.accessToken }))).items).toEqual([]);
    await expectProblem(await api(`/v1/companies/${company.id}/applications`, { token: rival.accessToken }), 404);
    await expectProblem(await api(`/v1/companies/${company.id}/applications`, { token: candidate.accessToken }), 404);
    await expectProblem(await api(`/v1/companies/${company.id}/applications`), 401);
    await expectProblem(await api(`/v1/companies/${company.id}/applications?status=maybe`, { token: owner.accessToken }), 400, "invalid_query");
    await expectProblem(await api(`/v1/companies/${company.id}/applications?cursor=%7B`, { token: owner.accessToken }), 400, "invalid_cursor");
  });

  it("each page reads one index range: rows read stay within 20x the page, whatever the filter", async () => {
    const { owner, recruiter, company, vacancy } = await hiring();
    const candidates = await Promise.all(Array.from({ length: 12 }, () => registerUser()));
    const applied = [];
    for (const candidate of candidates) applied.push(await ok(apply(candidate, vacancy.id), 201));
    for (const application of applied.slice(0, 4)) await ok(move(recruiter, application.id, { status: "reviewing" }));
    const limit = 5;
    for (const query of ["", `&status=submitted`, `&status=reviewing`, `&vacancyId=${vacancy.id}`, `&vacancyId=${vacancy.id}&status=reviewing`]) {
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await api(`/v1/companies/${company.id}/applications?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`, {
          token: owner.accessToken,
        });
        const page = await ok(response);
        const rowsRead = Number(/rows_read=(\d+)/.exec(response.headers.get("server-timing") ?? "")?.[1]);
        expect(rowsRead, query).toBeGreaterThan(0);
        expect(rowsRead, query).toBeLessThanOrEqual(20 * limit);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
    }
  });
});

describe("PATCH /v1/applications/:id", () => {
  it("a recruiter moves it to interview with a note: the candidate gets the hub frame, an e-mail and a push", async () => {
    const { recruiter, candidate, vacancy, company } = await hiring();
    const service = await startPushService(candidate);
    const phone = await subscribeDevice(service, candidate);
    const application = await ok(apply(candidate, vacancy.id), 201);
    const hub = await openSocket("/v1/realtime", candidate.accessToken);
    await hub.next("hello");
    const moved = await ok(move(recruiter, application.id, { status: "interview", note: "Tuesday at ten?" }));
    expect(moved).toMatchObject({ status: "interview", note: "Tuesday at ten?", nextStatuses: ["offer", "hired", "rejected"] });
    expect(moved.history.map((e: any) => [e.from, e.to, e.by])).toEqual([
      [null, "submitted", "candidate"],
      ["submitted", "interview", "company"],
    ]);
    const frame = await hub.next("application.updated");
    expect(frame).toMatchObject({ reason: "status_changed", application: { id: application.id, status: "interview", note: "Tuesday at ten?" } });
    hub.close();
    const [mail] = await waitForMail(candidate.email, /Platform Engineer/);
    expect(mail!.text).toContain("Tuesday at ten?");
    await eventually(() => expect(service.deliveredTo(phone)).toHaveLength(1));
    const [push] = service.deliveredTo(phone);
    expect(ApplicationPushSchema.parse(push!.payload)).toEqual({
      type: "application.updated",
      applicationId: application.id,
      status: "interview",
      reason: "status_changed",
      vacancyTitle: "Platform Engineer",
      companyName: company.name,
    });
  });

  it("allows forward moves and rejection only; final statuses stay final (409 invalid_transition)", async () => {
    const { owner, recruiter, candidate, vacancy } = await hiring();
    const application = await ok(apply(candidate, vacancy.id), 201);
    await ok(move(recruiter, application.id, { status: "offer" }));
    await expectProblem(await move(owner, application.id, { status: "reviewing" }), 409, "invalid_transition");
    await expectProblem(await move(owner, application.id, { status: "offer" }), 409, "invalid_transition");
    await expectProblem(await move(owner, application.id, { status: "withdrawn" }), 409, "invalid_transition");
    await ok(move(owner, application.id, { status: "hired" }));
    await expectProblem(await move(owner, application.id, { status: "rejected" }), 409, "invalid_transition");
    const second = await ok(apply(await registerUser(), vacancy.id), 201);
    await ok(move(recruiter, second.id, { status: "rejected", note: "Not this time" }));
    await expectProblem(await move(recruiter, second.id, { status: "interview" }), 409, "invalid_transition");
  });

  it("two racing moves to final states: one wins, the other is 409", async () => {
    const { owner, recruiter, candidate, vacancy } = await hiring();
    const application = await ok(apply(candidate, vacancy.id), 201);
    // Hired and rejected are both final: whichever lands second finds the first and is refused.
    // (Not rejected against reviewing: from reviewing, rejected is a legal move, so that pair may both pass.)
    const statuses = (await Promise.all([move(owner, application.id, { status: "rejected" }), move(recruiter, application.id, { status: "hired" })])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([200, 409]);
    expect((await ok(api(`/v1/applications/${application.id}`, { token: owner.accessToken }))).history).toHaveLength(2);
  });

  it("refuses the candidate and outsiders (404), no token (401) and malformed bodies (400)", async () => {
    const { recruiter, candidate, vacancy } = await hiring();
    const rival = await registerUser();
    await createCompany(rival);
    const application = await ok(apply(candidate, vacancy.id), 201);
    await expectProblem(await move(candidate, application.id, { status: "hired" }), 404);
    await expectProblem(await move(rival, application.id, { status: "reviewing" }), 404);
    await expectProblem(await api(`/v1/applications/${application.id}`, { method: "PATCH", body: { status: "reviewing" } }), 401);
    await expectProblem(await move(recruiter, application.id, { status: "promoted" }), 400, "invalid_body");
    await expectProblem(await move(recruiter, application.id, { status: "reviewing", note: 5 }), 400, "invalid_body");
    await expectProblem(await move(recruiter, "nope", { status: "reviewing" }), 404);
  });
});

describe("POST /v1/applications/:id/withdraw", () => {
  it("the candidate withdraws: the company keeps it as withdrawn, cannot read the CV, and the candidate cannot apply again", async () => {
    const { recruiter, candidate, vacancy, cv } = await hiring();
    const application = await ok(apply(candidate, vacancy.id, { cvFileId: cv.id }), 201);
    await expectProblem(await api(`/v1/applications/${application.id}/withdraw`, { method: "POST", token: recruiter.accessToken }), 404);
    await expectProblem(await api(`/v1/applications/${application.id}/withdraw`, { method: "POST" }), 401);
    const withdrawn = await ok(api(`/v1/applications/${application.id}/withdraw`, { method: "POST", token: candidate.accessToken }));
    expect(withdrawn).toMatchObject({ status: "withdrawn", nextStatuses: [] });
    await expectProblem(await api(`/v1/applications/${application.id}/withdraw`, { method: "POST", token: candidate.accessToken }), 409, "invalid_transition");
    expect((await ok(api(`/v1/applications/${application.id}`, { token: recruiter.accessToken }))).status).toBe("withdrawn");
    await expectProblem(await api(`/v1/applications/${application.id}/cv`, { token: recruiter.accessToken }), 404);
    await expectProblem(await apply(candidate, vacancy.id), 409, "already_applied");
  });
});

describe("GET /v1/applications/:id/cv", () => {
  it("members of the company and the candidate get a short link that serves the PDF; others 404", async () => {
    const { recruiter, candidate, outsider, vacancy, cv } = await hiring();
    const application = await ok(apply(candidate, vacancy.id, { cvFileId: cv.id }), 201);
    const link = await ok(api(`/v1/applications/${application.id}/cv`, { token: recruiter.accessToken }));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const served = await fetchContent(link.url);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(samples.pdf);
    await ok(api(`/v1/applications/${application.id}/cv`, { token: candidate.accessToken }));
    await expectProblem(await api(`/v1/applications/${application.id}/cv`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/applications/${application.id}/cv`), 401);
    const noCv = await ok(apply(outsider, vacancy.id), 201);
    await expectProblem(await api(`/v1/applications/${noCv.id}/cv`, { token: recruiter.accessToken }), 404);
  });
});

describe("POST /v1/applications/:id/chat", () => {
  it("a recruiter opens the direct chat with the candidate (201, then 200 for the same chat); the candidate and outsiders 404", async () => {
    const { recruiter, candidate, outsider, vacancy } = await hiring();
    const application = await ok(apply(candidate, vacancy.id), 201);
    const chat = await ok(api(`/v1/applications/${application.id}/chat`, { method: "POST", token: recruiter.accessToken }), 201);
    expect(chat.type).toBe("direct");
    const again = await ok(api(`/v1/applications/${application.id}/chat`, { method: "POST", token: recruiter.accessToken }), 200);
    expect(again.id).toBe(chat.id);
    expect((await ok(api(`/v1/chats/${chat.id}`, { token: candidate.accessToken }))).id).toBe(chat.id);
    await expectProblem(await api(`/v1/applications/${application.id}/chat`, { method: "POST", token: candidate.accessToken }), 404);
    await expectProblem(await api(`/v1/applications/${application.id}/chat`, { method: "POST", token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/applications/${application.id}/chat`, { method: "POST" }), 401);
  });
});

describe("closing a vacancy", () => {
  it("tells its open applicants on the hub; the application stays open for the company to decide", async () => {
    const { recruiter, candidate, vacancy } = await hiring();
    const application = await ok(apply(candidate, vacancy.id), 201);
    const hub = await openSocket("/v1/realtime", candidate.accessToken);
    await hub.next("hello");
    await ok(api(`/v1/vacancies/${vacancy.id}/close`, { method: "POST", token: recruiter.accessToken }));
    const frame = await hub.next("application.updated");
    expect(frame).toMatchObject({ reason: "vacancy_closed", application: { id: application.id, status: "submitted", vacancy: { status: "closed" } } });
    hub.close();
    await waitForMail(candidate.email, /the vacancy is closed/);
  });
});

describe("data export and account deletion", () => {
  it("the export lists the candidate's applications with their history", async () => {
    const { recruiter, candidate, vacancy } = await hiring();
    const application = await ok(apply(candidate, vacancy.id, { coverLetter: "Hello" }), 201);
    await ok(move(recruiter, application.id, { status: "reviewing", note: "Reading it" }));
    const data = await ok(api("/v1/me/export", { token: candidate.accessToken }));
    expect(data.modules.jobs.applications).toEqual([
      expect.objectContaining({
        id: application.id,
        vacancyTitle: "Platform Engineer",
        status: "reviewing",
        coverLetter: "Hello",
        history: [
          expect.objectContaining({ from: null, to: "submitted" }),
          expect.objectContaining({ from: "submitted", to: "reviewing", note: "Reading it" }),
        ],
      }),
    ]);
  });

  it("a deleted candidate's application stays for the company, anonymised and withdrawn", async () => {
    const { recruiter, candidate, vacancy, cv } = await hiring();
    const application = await ok(apply(candidate, vacancy.id, { coverLetter: "Private words", cvFileId: cv.id }), 201);
    await deleteAccount(candidate);
    const kept = await ok(api(`/v1/applications/${application.id}`, { token: recruiter.accessToken }));
    expect(kept).toMatchObject({ candidate: null, coverLetter: "", hasCv: false, status: "withdrawn" });
    expect(kept.history.map((e: any) => e.by)).toEqual([null]);
    await expectProblem(await api(`/v1/applications/${application.id}/chat`, { method: "POST", token: recruiter.accessToken }), 409, "candidate_gone");
  });
});
