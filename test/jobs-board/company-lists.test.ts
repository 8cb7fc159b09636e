import { describe, expect, it } from "vitest";
import { expectProblem } from "../helpers";
import { makeModerator } from "../kit/users";
import { api, createCompany, createVacancy, joinCompany, ok, postVacancy, publishVacancy, registerUser, verifyCompany } from "./fixtures";

const tag = () => Math.random().toString(36).slice(2, 8);

describe("GET /v1/companies", () => {
  it("finds companies by the words of their name (prefixes, case and diacritics folded), newest first, paged, with no token", async () => {
    const owner = await registerUser();
    const word = `Zürich${tag()}`;
    const first = await createCompany(owner, { name: `${word} Robotics` });
    const second = await createCompany(owner, { name: `${word} Bakery` });
    await createCompany(owner, { name: `Other ${tag()}` });
    const plain = word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    const all = await ok(api(`/v1/companies?q=${encodeURIComponent(plain.slice(0, -2))}`));
    expect(all.items.map((c: any) => c.id)).toEqual([second.id, first.id]);
    const page1 = await ok(api(`/v1/companies?q=${encodeURIComponent(word)}&limit=1`));
    expect(page1.items.map((c: any) => c.id)).toEqual([second.id]);
    const page2 = await ok(api(`/v1/companies?q=${encodeURIComponent(word)}&limit=1&cursor=${page1.nextCursor}`));
    expect(page2.items.map((c: any) => c.id)).toEqual([first.id]);
    expect((await ok(api(`/v1/companies?q=${encodeURIComponent(`${word} rob`)}`))).items.map((c: any) => c.id)).toEqual([first.id]);
    // Operators are words, never FTS syntax.
    expect((await ok(api(`/v1/companies?q=${encodeURIComponent(`"${word}" OR NEAR(`)}`))).items).toEqual([]);
    // The note is the members' business.
    expect(all.items[0].verificationNote).toBeNull();
  });

  it("filters by verification; a renamed company is found by its new name only; bad parameters are 400", async () => {
    const owner = await registerUser();
    const word = `Verif${tag()}`;
    const verified = await createCompany(owner, { name: `${word} One` });
    const unverified = await createCompany(owner, { name: `${word} Two` });
    await verifyCompany(verified.id);
    expect((await ok(api(`/v1/companies?q=${word}&verified=true`))).items.map((c: any) => c.id)).toEqual([verified.id]);
    expect((await ok(api(`/v1/companies?q=${word}&verified=false`))).items.map((c: any) => c.id)).toEqual([unverified.id]);
    const renamed = `Renamed${tag()}`;
    await ok(api(`/v1/companies/${unverified.id}`, { method: "PATCH", token: owner.accessToken, body: { name: renamed } }));
    expect((await ok(api(`/v1/companies?q=${renamed}`))).items.map((c: any) => c.id)).toEqual([unverified.id]);
    expect((await ok(api(`/v1/companies?q=${word}`))).items.map((c: any) => c.id)).toEqual([verified.id]);
    await expectProblem(await api("/v1/companies?verified=maybe"), 400, "invalid_query");
    await expectProblem(await api("/v1/companies?cursor=%7B"), 400, "invalid_cursor");
  });
});

describe("GET /v1/me/companies", () => {
  it("lists the companies you belong to with your role; 401 without a token", async () => {
    const [owner, recruiter] = [await registerUser(), await registerUser()];
    const mine = await createCompany(owner);
    const theirs = await createCompany(recruiter);
    await joinCompany(mine.id, owner, recruiter);
    const list = await ok(api("/v1/me/companies", { token: recruiter.accessToken }));
    expect(list.items.map((c: any) => [c.id, c.myRole])).toEqual([
      [theirs.id, "owner"],
      [mine.id, "recruiter"],
    ]);
    expect((await ok(api("/v1/me/companies", { token: owner.accessToken }))).items.map((c: any) => c.id)).toEqual([mine.id]);
    await expectProblem(await api("/v1/me/companies"), 401);
  });
});

describe("GET /v1/companies/:id/vacancies", () => {
  it("members see every status, newest first, and filter by one; others 404", async () => {
    const [owner, recruiter, outsider] = [await registerUser(), await registerUser(), await registerUser()];
    const company = await createCompany(owner);
    await joinCompany(company.id, owner, recruiter);
    const draft = await createVacancy(recruiter, company.id, { title: "Draft" });
    const published = await postVacancy(recruiter, company.id, { title: "Live" });
    const scheduled = await publishVacancy(recruiter, (await createVacancy(recruiter, company.id)).id, new Date(Date.now() + 86_400_000).toISOString());
    const closed = await postVacancy(owner, company.id, { title: "Old" });
    await ok(api(`/v1/vacancies/${closed.id}/close`, { method: "POST", token: owner.accessToken }));
    const all = await ok(api(`/v1/companies/${company.id}/vacancies`, { token: recruiter.accessToken }));
    expect(all.items.map((v: any) => v.id)).toEqual([closed.id, scheduled.id, published.id, draft.id]);
    for (const [status, id] of [
      ["draft", draft.id],
      ["scheduled", scheduled.id],
      ["published", published.id],
      ["closed", closed.id],
    ]) {
      const page = await ok(api(`/v1/companies/${company.id}/vacancies?status=${status}`, { token: owner.accessToken }));
      expect(page.items.map((v: any) => v.id)).toEqual([id]);
    }
    const page1 = await ok(api(`/v1/companies/${company.id}/vacancies?limit=3`, { token: owner.accessToken }));
    const page2 = await ok(api(`/v1/companies/${company.id}/vacancies?limit=3&cursor=${page1.nextCursor}`, { token: owner.accessToken }));
    expect([...page1.items, ...page2.items].map((v: any) => v.id)).toEqual(all.items.map((v: any) => v.id));
    await expectProblem(await api(`/v1/companies/${company.id}/vacancies`, { token: outsider.accessToken }), 404);
    await expectProblem(await api(`/v1/companies/${company.id}/vacancies`), 401);
    await expectProblem(await api(`/v1/companies/${company.id}/vacancies?status=open`, { token: owner.accessToken }), 400, "invalid_query");
  });
});

describe("GET /v1/moderation/companies", () => {
  it("moderators see pending requests first-asked-first with the note, the members by name and the verification history", async () => {
    const [owner, moderator, user] = [await registerUser(), await registerUser(), await registerUser()];
    await makeModerator(moderator);
    const company = await createCompany(owner, { name: `Queue ${tag()}` });
    await ok(api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: { note: "First try" } }), 202);
    await ok(api(`/v1/companies/${company.id}/verification/reject`, { token: moderator.accessToken, body: { reason: "No website" } }));
    await ok(api(`/v1/companies/${company.id}/verification`, { token: owner.accessToken, body: { note: "Website added" } }), 202);
    let found: any;
    let cursor: string | null = null;
    do {
      const page: any = await ok(api(`/v1/moderation/companies?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { token: moderator.accessToken }));
      for (const item of page.items) expect(item.company.verification).toBe("pending");
      found ??= page.items.find((item: any) => item.company.id === company.id);
      cursor = page.nextCursor;
    } while (cursor && !found);
    expect(found).toMatchObject({
      company: { id: company.id, verificationNote: "Website added" },
      members: [{ userId: owner.id, displayName: owner.displayName, role: "owner" }],
      history: [
        { kind: "requested", text: "Website added" },
        { kind: "rejected", text: "No website" },
        { kind: "requested", text: "First try" },
      ],
    });
    const rejected = await ok(api("/v1/moderation/companies?status=rejected", { token: moderator.accessToken }));
    for (const item of rejected.items) expect(item.company.verification).toBe("rejected");
    await expectProblem(await api("/v1/moderation/companies", { token: user.accessToken }), 403);
    await expectProblem(await api("/v1/moderation/companies"), 401);
    await expectProblem(await api("/v1/moderation/companies?status=open", { token: moderator.accessToken }), 400, "invalid_query");
  });
});
