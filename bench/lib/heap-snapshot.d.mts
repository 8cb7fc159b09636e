// Types for heap-snapshot.mjs, so TypeScript tests can import it.
export interface HeapSnapshotEntry {
  name: string;
  count: number;
  bytes: number;
}
export interface HeapSnapshotSummary {
  /** live bytes and objects in all */
  bytes: number;
  objects: number;
  /** by V8's kind of node (string, code, object...), the most bytes first */
  byType: HeapSnapshotEntry[];
  /** native nodes other than V8's own, by name, the most numerous first */
  runtimeObjects: HeapSnapshotEntry[];
}
export function summarizeHeapSnapshot(snapshot: unknown): HeapSnapshotSummary;
export function heapSnapshotLines(summary: HeapSnapshotSummary, options?: { runtimeTop?: number }): string[];
