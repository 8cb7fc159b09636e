// Types for gc-trace.mjs, so TypeScript tests can import it.
export interface GcCollection {
  isolate: string;
  /** ms since the isolate started */
  at: number;
  full: boolean;
  /** V8's heap before and after, bytes */
  before: number;
  after: number;
  pauseMs: number;
  /** the part of the pause in V8's own phases */
  phasesMs: number;
  /** what V8 counts beyond its own heap (the runtime's C++ heap, external memory) before and after, bytes */
  beyondV8Before: number;
  beyondV8After: number;
  /** for a full collection, the limit that set it off */
  trigger?: string;
}
export function parseGcTrace(lines: string[]): GcCollection[];
export function summarizeGcTrace(collections: GcCollection[]): string[] | undefined;
