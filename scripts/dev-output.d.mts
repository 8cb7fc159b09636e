// Types for dev-output.mjs, for its test (test/dev-server/dev-output.test.ts).
export function migrationSummary(output: string, status: number | null): string | undefined;
export function bindingsTableFilter(): { push(chunk: string): string; end(): string };
