// The candidate's calls: the profile, follows of people and companies, who viewed the profile,
// the AI analysis and the video introduction's script, with the shapes the routes answer.
import type { InferResponseType } from "hono/client";
import { ok } from "../../../client";
import { platform } from "../platform";
import type { Page } from "./api";

type Api = typeof platform.api;
export type Profile = InferResponseType<Api["v1"]["profiles"]["me"]["$get"], 200>;
export type PersonLink = InferResponseType<Api["v1"]["profiles"][":userId"]["followers"]["$get"], 200>["items"][number];
export type ProfileViewer = InferResponseType<Api["v1"]["profiles"]["me"]["views"]["$get"], 200>["items"][number];
export type FollowedCompany = InferResponseType<Api["v1"]["me"]["followed-companies"]["$get"], 200>["items"][number];
export type CompanyFollow = InferResponseType<Api["v1"]["companies"][":id"]["follow"]["$get"], 200>;
export type CompanyFollower = InferResponseType<Api["v1"]["companies"][":id"]["followers"]["$get"], 200>["items"][number];
export type Analysis = InferResponseType<Api["v1"]["profiles"]["me"]["analysis"][":id"]["$get"], 200>;
export type IntroScript = InferResponseType<Api["v1"]["profiles"]["me"]["intro-script"][":id"]["$get"], 200>;

const v1 = () => platform.api.v1;

export interface ProfilePatch {
  headline?: string;
  bio?: string;
  tags?: string[];
  location?: { lat: number; lng: number; place: string } | null;
  links?: { label: string | null; url: string }[];
  videoId?: string | null;
  visibility?: "everyone" | "recruiters" | "hidden";
}

export function myProfile(): Promise<Profile> {
  return ok(v1().profiles.me.$get());
}

export function editProfile(patch: ProfilePatch): Promise<Profile> {
  return ok(v1().profiles.me.$patch({ json: patch }));
}

export function profileOf(userId: string): Promise<Profile> {
  return ok(v1().profiles[":userId"].$get({ param: { userId } }));
}

export function followPerson(userId: string, following: boolean): Promise<Profile> {
  const param = { param: { userId } };
  return ok(following ? v1().profiles[":userId"].follow.$put(param) : v1().profiles[":userId"].follow.$delete(param));
}

export function peopleOf(userId: string, direction: "followers" | "following"): Promise<Page<PersonLink>> {
  const request = { param: { userId }, query: { limit: "100" } };
  return ok(direction === "followers" ? v1().profiles[":userId"].followers.$get(request) : v1().profiles[":userId"].following.$get(request));
}

export function profileViewers(): Promise<Page<ProfileViewer>> {
  return ok(v1().profiles.me.views.$get({ query: { limit: "100" } }));
}

export function companyFollow(companyId: string): Promise<CompanyFollow> {
  return ok(v1().companies[":id"].follow.$get({ param: { id: companyId } }));
}

export function followCompany(companyId: string, following: boolean): Promise<CompanyFollow> {
  const param = { param: { id: companyId } };
  return ok(following ? v1().companies[":id"].follow.$put(param) : v1().companies[":id"].follow.$delete(param));
}

/** A page of the company's followers (members and admins only), newest first; `cursor` continues a page. */
export function companyFollowers(companyId: string, cursor?: string): Promise<Page<CompanyFollower>> {
  return ok(v1().companies[":id"].followers.$get({ param: { id: companyId }, query: cursor ? { limit: "20", cursor } : { limit: "20" } }));
}

export function followedCompanies(): Promise<Page<FollowedCompany>> {
  return ok(v1().me["followed-companies"].$get({ query: { limit: "100" } }));
}

export async function startAnalysis(): Promise<string> {
  return (await ok(v1().profiles.me.analysis.$post())).id;
}

export function analysis(id: string): Promise<Analysis> {
  return ok(v1().profiles.me.analysis[":id"].$get({ param: { id } }));
}

export async function startIntroScript(vacancyId?: string): Promise<string> {
  return (await ok(v1().profiles.me["intro-script"].$post({ json: vacancyId ? { vacancyId } : {} }))).id;
}

export function introScript(id: string): Promise<IntroScript> {
  return ok(v1().profiles.me["intro-script"][":id"].$get({ param: { id } }));
}

/** Polls an AI task until it is no longer pending: every second, at most two minutes. */
export async function untilDone<T extends { status: "pending" | "completed" | "failed" }>(read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const task = await read();
    if (task.status !== "pending" || Date.now() > deadline || signal?.aborted) return task;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
