// The jobs board's calls, through the typed platform client, with the screens' types.
import { ok } from "../../../client";
import { platform } from "../platform";
import type { Application, ApplicationStatus, Company, Vacancy, VacancyStatus } from "./model";

const v1 = () => platform.api.v1;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type SearchQuery = Record<string, string>;

export async function searchVacancies(query: SearchQuery): Promise<Page<Vacancy>> {
  return (await ok(v1().vacancies.$get({ query: query as never }))) as Page<Vacancy>;
}

export async function getVacancy(id: string): Promise<Vacancy> {
  return (await ok(v1().vacancies[":id"].$get({ param: { id } }))) as Vacancy;
}

export async function getCompany(id: string): Promise<Company> {
  return (await ok(v1().companies[":id"].$get({ param: { id } }))) as Company;
}

export async function editCompany(id: string, patch: CompanyFields): Promise<Company> {
  return (await ok(v1().companies[":id"].$patch({ param: { id }, json: patch }))) as Company;
}

export async function askVerification(id: string, note: string): Promise<Company> {
  return (await ok(v1().companies[":id"].verification.$post({ param: { id }, json: { note } }))) as Company;
}

export async function myCompanies(): Promise<Company[]> {
  return ((await ok(v1().me.companies.$get())) as { items: Company[] }).items;
}

export async function companyVacancies(id: string, status?: VacancyStatus): Promise<Vacancy[]> {
  const query = status ? { status, limit: "100" } : { limit: "100" };
  return ((await ok(v1().companies[":id"].vacancies.$get({ param: { id }, query }))) as Page<Vacancy>).items;
}

export async function apply(vacancyId: string, body: { coverLetter?: string; cvFileId?: string }): Promise<Application> {
  return (await ok(v1().vacancies[":id"].applications.$post({ param: { id: vacancyId }, json: body }))) as Application;
}

export async function myApplications(): Promise<Application[]> {
  return ((await ok(v1().me.applications.$get({ query: { limit: "100" } }))) as Page<Application>).items;
}

export async function companyApplications(id: string, vacancyId?: string): Promise<Application[]> {
  const query = vacancyId ? { vacancyId, limit: "100" } : { limit: "100" };
  return ((await ok(v1().companies[":id"].applications.$get({ param: { id }, query }))) as Page<Application>).items;
}

export async function moveApplication(id: string, status: ApplicationStatus, note?: string): Promise<Application> {
  return (await ok(v1().applications[":id"].$patch({ param: { id }, json: note ? { status, note } : { status } }))) as Application;
}

export async function withdraw(id: string): Promise<Application> {
  return (await ok(v1().applications[":id"].withdraw.$post({ param: { id } }))) as Application;
}

export async function cvLink(id: string): Promise<string> {
  return (await ok(v1().applications[":id"].cv.$get({ param: { id } }))).url;
}

export async function openChat(id: string): Promise<string> {
  return ((await ok(v1().applications[":id"].chat.$post({ param: { id } }))) as { id: string }).id;
}

export interface QueuedCompany {
  company: Company;
  members: { userId: string; displayName: string | null; role: "owner" | "recruiter" }[];
  history: { kind: "requested" | "approved" | "rejected" | "reset"; text: string | null; at: string }[];
}

export async function pendingCompanies(): Promise<QueuedCompany[]> {
  return ((await ok(v1().moderation.companies.$get({ query: { status: "pending", limit: "50" } }))) as Page<QueuedCompany>).items;
}

export async function decideCompany(id: string, outcome: "approve" | "reject", reason?: string): Promise<void> {
  const json = reason ? { reason } : {};
  if (outcome === "approve") await ok(v1().companies[":id"].verification.approve.$post({ param: { id }, json }));
  else await ok(v1().companies[":id"].verification.reject.$post({ param: { id }, json }));
}

export interface SavedSearch {
  id: string;
  name: string;
  query: Record<string, string>;
}

export async function savedSearches(): Promise<SavedSearch[]> {
  return ((await ok(v1().me["saved-searches"].$get())) as { items: SavedSearch[] }).items;
}

export async function saveSearch(name: string, query: Record<string, string>): Promise<SavedSearch> {
  return (await ok(v1().me["saved-searches"].$post({ json: { name, query } }))) as SavedSearch;
}

export async function deleteSavedSearch(id: string): Promise<void> {
  await ok(v1().me["saved-searches"][":id"].$delete({ param: { id } }));
}

export interface CompanyFields {
  name?: string;
  about?: string;
  website?: string | null;
  iconFileId?: string | null;
}

export async function createCompany(fields: CompanyFields & { name: string }): Promise<Company> {
  return (await ok(v1().companies.$post({ json: fields }))) as Company;
}

export interface Invitation {
  companyId: string;
  companyName: string;
  userId: string;
  role: "owner" | "recruiter";
  createdAt: string;
}

/** Invites by the e-mail of their account, or by id (a person picked by name). */
export async function invite(companyId: string, who: { email: string } | { userId: string }, role: "owner" | "recruiter"): Promise<Invitation> {
  return (await ok(v1().companies[":id"].invitations.$post({ param: { id: companyId }, json: { ...who, role } }))) as Invitation;
}

export async function companyInvitations(companyId: string): Promise<Invitation[]> {
  return ((await ok(v1().companies[":id"].invitations.$get({ param: { id: companyId } }))) as { items: Invitation[] }).items;
}

export async function myInvitations(): Promise<Invitation[]> {
  return ((await ok(v1().companies.invitations.$get())) as { items: Invitation[] }).items;
}

export async function acceptInvitation(companyId: string, userId: string): Promise<Company> {
  return (await ok(v1().companies[":id"].invitations[":userId"].accept.$post({ param: { id: companyId, userId } }))) as Company;
}

/** Declines one's own invitation, or (owners) revokes one. */
export async function dropInvitation(companyId: string, userId: string): Promise<void> {
  await ok(v1().companies[":id"].invitations[":userId"].$delete({ param: { id: companyId, userId } }));
}

export async function setMemberRole(companyId: string, userId: string, role: "owner" | "recruiter"): Promise<Company> {
  return (await ok(v1().companies[":id"].members.$post({ param: { id: companyId }, json: { userId, role } }))) as Company;
}

export async function removeMember(companyId: string, userId: string): Promise<void> {
  await ok(v1().companies[":id"].members[":userId"].$delete({ param: { id: companyId, userId } }));
}

export interface VacancyInput {
  title: string;
  description: string;
  role: string;
  seniority: string;
  employmentType: string;
  salary: Vacancy["salary"];
  remote: boolean;
  location: Vacancy["location"];
  tags: string[];
}

export async function createVacancy(companyId: string, input: VacancyInput): Promise<Vacancy> {
  return (await ok(v1().vacancies.$post({ json: { companyId, ...input } as never }))) as Vacancy;
}

export async function updateVacancy(id: string, input: VacancyInput): Promise<Vacancy> {
  return (await ok(v1().vacancies[":id"].$patch({ param: { id }, json: input as never }))) as Vacancy;
}

export async function publishVacancy(id: string, publishAt?: string): Promise<Vacancy> {
  return (await ok(v1().vacancies[":id"].publish.$post({ param: { id }, json: publishAt ? { publishAt } : {} }))) as Vacancy;
}

export async function closeVacancy(id: string): Promise<Vacancy> {
  return (await ok(v1().vacancies[":id"].close.$post({ param: { id } }))) as Vacancy;
}

export async function reopenVacancy(id: string): Promise<Vacancy> {
  return (await ok(v1().vacancies[":id"].reopen.$post({ param: { id } }))) as Vacancy;
}

export async function deleteVacancy(id: string): Promise<void> {
  await ok(v1().vacancies[":id"].$delete({ param: { id } }));
}

export async function requestDraft(companyId: string, notes: string): Promise<{ id: string; status: string }> {
  return (await ok(v1().vacancies.drafts.$post({ json: { companyId, notes } }))) as { id: string; status: string };
}

export async function draftStatus(id: string): Promise<{ status: "pending" | "completed" | "failed"; vacancy?: Vacancy; error?: string }> {
  return (await ok(v1().vacancies.drafts[":id"].$get({ param: { id } }))) as { status: "pending" | "completed" | "failed"; vacancy?: Vacancy };
}
