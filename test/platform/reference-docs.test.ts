import { describe, expect, it } from "vitest";
import configurationDoc from "../../docs/configuration.md?raw";
import errorsDoc from "../../docs/errors.md?raw";
import { configurationReference, errorsReference } from "../../workers/reference-docs";
import { modules } from "../../workers/modules";

describe("generated references", () => {
  it("docs/configuration.md is what the var declarations produce (npm run docs:generate)", () => {
    expect(configurationDoc).toBe(configurationReference(modules));
  });

  it("docs/errors.md is what the error catalogues produce (npm run docs:generate)", () => {
    expect(errorsDoc).toBe(errorsReference(modules));
  });

  it("documents every declared var with its module, and flags every secret", () => {
    for (const module of modules) {
      if (!("vars" in module)) continue;
      const section = configurationDoc.slice(configurationDoc.indexOf(`\n## ${module.name}\n`));
      for (const [name, declaration] of Object.entries(module.vars.vars)) {
        const row = section.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
        expect(row, name).toBeDefined();
        expect(row!.includes("| secret |"), name).toBe(declaration.secret);
      }
    }
  });

  it("documents every declared error code with its status and module", () => {
    for (const module of modules) {
      if (!("errors" in module)) continue;
      for (const [code, declaration] of Object.entries(module.errors)) {
        expect(errorsDoc, code).toContain(`| \`${code}\` | ${[declaration.status].flat().join(", ")} | ${module.name} |`);
      }
    }
  });
});
