// Types for realtime-config.mjs, so TypeScript tests can import it. Configs are parsed TOML.
// biome-ignore lint/suspicious/noExplicitAny: parsed TOML, read by tests as they expect it
type Config = any;
export const REALTIME_CONFIG: string;
export function varsOfArgs(args: string[]): Record<string, string>;
export function platformConfigs(apiConfig?: string): { api: Config; realtime: Config };
export function writeRealtimeConfig(options: {
  directory: string;
  vars?: Record<string, string>;
  apiConfig?: string;
  withDevVars?: boolean;
  migrations?: unknown[];
}): string;
export function realtimeDevConfig(name: string, vars: Record<string, string>): string;
export function realtimeWorkerFindings(api: Config, realtime: Config): { level: "error"; subject: string; message: string }[];
export function realtimeClasses(realtime: Config): string[];
export function transferMigrations(realtime: Config, apiName: string): Config[];
export function apiMigrationsWithout(api: Config, classes: string[]): Config[];
