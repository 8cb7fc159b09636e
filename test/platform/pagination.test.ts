import { describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE, PageQuery } from "../../shared/http/pagination";
import { api, json, registerUser } from "../helpers";

describe("?limit on lists", () => {
  it("defaults to 50, caps anything above 100 at 100, and refuses zero, negatives and fractions", () => {
    expect(PageQuery.parse({}).limit).toBe(50);
    expect(PageQuery.parse({ limit: "7" }).limit).toBe(7);
    expect(PageQuery.parse({ limit: "500" }).limit).toBe(MAX_PAGE_SIZE);
    expect(MAX_PAGE_SIZE).toBe(100);
    for (const limit of ["0", "-1", "1.5", "many"]) expect(PageQuery.safeParse({ limit }).success, limit).toBe(false);
  });

  it("answers ?limit=500 with a page instead of 400", async () => {
    const user = await registerUser();
    const response = await api("/v1/me/security-events?limit=500", { token: user.accessToken });
    expect(response.status).toBe(200);
    const page = await json<{ items: unknown[]; nextCursor: string | null }>(response);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
  });
});
