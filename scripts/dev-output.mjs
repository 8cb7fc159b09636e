// What `npm run dev` shows of wrangler's output: everything, except that the bindings table
// (about 80 lines, printed again once the server is up) becomes one line, and the local D1
// migrations become one line unless they fail. test/dev-server/dev-output.test.ts checks both.

/** One line instead of `wrangler d1 migrations apply --local`'s tables, or undefined to print them all. */
export function migrationSummary(output, status) {
  if (status !== 0) return undefined;
  if (/No migrations to apply/.test(output)) return "D1 (local): migrations up to date";
  const toApply = output.slice(0, output.search(/About to apply|Executing on/) >>> 0);
  const names = new Set(toApply.match(/\d{4}_[\w-]+\.sql/g) ?? []);
  return `D1 (local): applied ${names.size} migration${names.size === 1 ? "" : "s"}`;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * A line filter for `wrangler dev`'s output: `push(text)` takes chunks, returns the text to show.
 * The bindings table is replaced by a count of each kind, the first time, and dropped after.
 */
export function bindingsTableFilter() {
  let pending = "";
  let inTable = false;
  let shown = false;
  let counts = new Map();
  const summary = () => {
    const parts = [...counts].map(([kind, count]) => `${kind} x${count}`);
    counts = new Map();
    if (shown) return "";
    shown = true;
    return `Bindings: ${parts.join(", ")} (the full table: npx wrangler dev)\n`;
  };
  const line = (text) => {
    const plain = text.replace(ANSI, "");
    if (/has access to the following bindings:$/.test(plain.trim())) {
      inTable = true;
      return "";
    }
    if (inTable) {
      if (/^Binding\s+Resource/.test(plain)) return "";
      const row = plain.match(/^env\.\S+(?: \(.*?\))?\s{2,}(.+?)(?:\s{2,}\S+)?\s*$/);
      if (row) {
        const kind = row[1].trim();
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
        return "";
      }
      inTable = false;
      return summary() + (plain.trim() === "" ? "" : `${text}\n`);
    }
    return `${text}\n`;
  };
  return {
    push(chunk) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      return lines.map(line).join("");
    },
    /** What is left at the end (a last line without a newline). */
    end() {
      const rest = pending;
      pending = "";
      return inTable ? summary() : rest;
    },
  };
}
