import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VIDEO_STATUSES } from "../../shared/db/schema/video";
import { newId } from "../../shared/ids";
import { canSee, isVisibleToEveryone } from "../../shared/video/visibility";
import { api, json, registerUser, type TestUser } from "../helpers";
import { moderator } from "./fixtures";

const PUBLICATIONS = { unset: null, past: -3600_000, future: 3600_000 } as const;

interface Combination {
  status: (typeof VIDEO_STATUSES)[number];
  isPublic: boolean;
  publication: keyof typeof PUBLICATIONS;
  archived: boolean;
  hidden: boolean;
}

const combinations: Combination[] = VIDEO_STATUSES.flatMap((status) =>
  [true, false].flatMap((isPublic) =>
    (Object.keys(PUBLICATIONS) as (keyof typeof PUBLICATIONS)[]).flatMap((publication) =>
      [false, true].flatMap((archived) => [false, true].map((hidden) => ({ status, isPublic, publication, archived, hidden }))),
    ),
  ),
);

/** What API.md says: others see only approved, public, published, not archived, not hidden. */
const visibleToOthers = (c: Combination) => c.status === "approved" && c.isPublic && c.publication !== "future" && !c.archived && !c.hidden;

describe("visibility: every combination of status x public x published x archived x hidden", () => {
  let owner: TestUser;
  let stranger: TestUser;
  let mod: TestUser;
  const ids = new Map<Combination, string>();

  beforeAll(async () => {
    owner = await registerUser();
    stranger = await registerUser();
    mod = await moderator();
    const now = Date.now();
    const statements = combinations.map((c) => {
      const id = newId();
      ids.set(c, id);
      const offset = PUBLICATIONS[c.publication];
      return env.DB.prepare(
        `INSERT INTO videos (id, owner_id, stream_uid, upload_method, title, tags, status, is_public, publish_at, archived, hidden_by_reports, hls_url, dash_url, created_at, updated_at)
         VALUES (?, ?, ?, 'worker', 'matrix', '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        id,
        owner.id,
        `uid-${id}`,
        c.status,
        c.isPublic ? 1 : 0,
        offset === null ? null : now + offset,
        c.archived ? 1 : 0,
        c.hidden ? 1 : 0,
        `https://s/uid-${id}/manifest/video.m3u8`,
        `https://s/uid-${id}/manifest/video.mpd`,
        now,
        now,
      );
    });
    await env.DB.batch(statements);
  });

  // Rows made here have no video at Stream: later cron runs must not try to sync them.
  afterAll(async () => {
    await env.DB.prepare("DELETE FROM videos WHERE owner_id = ?").bind(owner.id).run();
  });

  it(`has ${combinations.length} combinations, ${combinations.filter(visibleToOthers).length} of them visible to others`, () => {
    expect(combinations).toHaveLength(6 * 2 * 3 * 2 * 2);
    expect(combinations.filter(visibleToOthers)).toHaveLength(1 * 1 * 2 * 1 * 1);
  });

  it("the rule in TypeScript matches API.md for every combination", () => {
    const now = Date.now();
    for (const c of combinations) {
      const offset = PUBLICATIONS[c.publication];
      const video = {
        ownerId: "owner",
        status: c.status,
        isPublic: c.isPublic,
        archived: c.archived,
        hiddenByReports: c.hidden,
        publishAt: offset === null ? null : new Date(now + offset),
      };
      expect(isVisibleToEveryone(video, now), JSON.stringify(c)).toBe(visibleToOthers(c));
      expect(canSee(video, { userId: "owner", role: "user" }, now)).toBe(true);
      expect(canSee(video, { userId: "someone", role: "moderator" }, now)).toBe(true);
      expect(canSee(video, { userId: "someone", role: "user" }, now)).toBe(visibleToOthers(c));
      expect(canSee(video, null, now)).toBe(visibleToOthers(c));
    }
  });

  it("GET /v1/videos/:id: 200 to the owner and moderators always, to strangers and anonymous callers only when visible, else 404", async () => {
    for (const c of combinations) {
      const id = ids.get(c)!;
      const label = JSON.stringify(c);
      const [asOwner, asModerator, asStranger, anonymous] = await Promise.all([
        api(`/v1/videos/${id}`, { token: owner.accessToken }),
        api(`/v1/videos/${id}`, { token: mod.accessToken }),
        api(`/v1/videos/${id}`, { token: stranger.accessToken }),
        api(`/v1/videos/${id}`),
      ]);
      expect(asOwner.status, label).toBe(200);
      expect(asModerator.status, label).toBe(200);
      expect(asStranger.status, label).toBe(visibleToOthers(c) ? 200 : 404);
      expect(anonymous.status, label).toBe(visibleToOthers(c) ? 200 : 404);
    }
  });

  it("GET /v1/videos lists exactly the visible ones; GET /v1/me/videos lists all of the owner's", async () => {
    const listed = await json(await api(`/v1/videos?ownerId=${owner.id}&limit=100`, { token: stranger.accessToken }));
    const expected = combinations.filter(visibleToOthers).map((c) => ids.get(c)!);
    expect(listed.items.map((v: any) => v.id).sort()).toEqual(expected.sort());
    const mine: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(await api(`/v1/me/videos?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { token: owner.accessToken }));
      mine.push(...page.items.map((v: any) => v.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(mine.sort()).toEqual([...ids.values()].sort());
  });

  it("playback, reports and views follow the same rule for strangers", async () => {
    for (const c of combinations.filter((c) => c.status === "approved" || c.status === "moderation")) {
      const id = ids.get(c)!;
      const playback = await api(`/v1/videos/${id}/playback`, { token: stranger.accessToken });
      expect(playback.status, JSON.stringify(c)).toBe(visibleToOthers(c) ? 200 : 404);
      const views = await api(`/v1/videos/${id}/views`, { method: "POST", token: stranger.accessToken });
      expect(views.status, JSON.stringify(c)).toBe(visibleToOthers(c) ? 202 : 404);
    }
  });
});
