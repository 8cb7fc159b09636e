import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sha256Wasm, sha256WasmPath } from "../../scripts/build-sha256-wasm.mjs";

// Not a dev-server test: the Node project runs it because wabt compiles at run time, which workerd refuses.
describe("shared/media/sha256.wasm", () => {
  it("is exactly what scripts/build-sha256-wasm.mjs builds (run npm run build:sha256-wasm after changing the script)", async () => {
    expect(Buffer.compare(readFileSync(sha256WasmPath), await sha256Wasm())).toBe(0);
  });
});
