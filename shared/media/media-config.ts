import { type Config, configOf, type EnvVars } from "../config";

export type MediaConfig = Config["media"];

/** The media section of the platform config (shared/config.ts). */
export function mediaConfig(env: object): MediaConfig {
  return configOf(env as EnvVars).media;
}
