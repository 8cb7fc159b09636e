import { describe, expect, it } from "vitest";
import { expectProblem, registerUser } from "../helpers";
import { fetchContent, uniquePng, uploadFile } from "../media/fixtures";

// Issue 23, the media findings of low severity: what the API serves, to whom, and for how long.

describe("ranges that overflow or lie outside the bytes (finding 17)", () => {
  it("answer 416 with Content-Range bytes */<size>, never the whole file", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng(3000));
    const path = `/v1/files/${file.id}/content`;
    for (const range of ["bytes=99999999999999999999-", "bytes=99999999999999999999-99999999999999999999", "bytes=9007199254740993-", "bytes=3000-", "bytes=3000-1"]) {
      for (const method of ["GET", "HEAD"]) {
        const response = await fetchContent(path, { token: user.accessToken, method, headers: { range } });
        expect(response.status, `${method} ${range}`).toBe(416);
        expect(response.headers.get("content-range"), range).toBe("bytes */3000");
        if (method === "GET") await expectProblem(response, 416, "range_not_satisfiable");
      }
    }
    const variant = await fetchContent(`${path}?width=32`, { token: user.accessToken, headers: { range: "bytes=99999999999999999999-" } });
    expect(variant.status).toBe(416);
    expect(variant.headers.get("content-range")).toMatch(/^bytes \*\/\d+$/);
  });
});
