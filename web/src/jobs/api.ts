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

export async function editCompany(id: string, patch: { name?: string; about?: string; website?: string | null }): Promise<Company> {
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
