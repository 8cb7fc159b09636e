import { type Config, configOf, type EnvVars } from "../config";

export type StudioLibraryConfig = Config["studioLibrary"];

/** The studio library's section of the platform config (shared/config.ts). */
export function studioLibraryConfig(env: object): StudioLibraryConfig {
  return configOf(env as EnvVars).studioLibrary;
}
