import type { FileRecord } from "./records/files";

/**
 * A file's recording length and loudness, when it has them. A leaf of its own: a chat room
 * attaches files with it, and should not load the upload pipeline (type sniffing, image sizes)
 * that files.ts holds to do so.
 */
export function audioDetailsOf(file: Pick<FileRecord, "durationMs" | "waveform">): { durationMs?: number; waveform?: string } {
  return { ...(file.durationMs !== null ? { durationMs: file.durationMs } : {}), ...(file.waveform !== null ? { waveform: file.waveform } : {}) };
}
