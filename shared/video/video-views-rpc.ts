import type { DurableStateRpc } from "../platform/durable-state-rpc";
/** What callers may ask of a video's VideoViews (durable-objects/video-views.ts). */
export interface VideoViewsRpc extends Rpc.DurableObjectBranded, DurableStateRpc {
  record(videoId: string, viewer: string, now: number): Promise<{ counted: boolean }>;
  /** The counts as the object holds them (the D1 copy follows within a flush interval). */
  counts(): Promise<{ total: number; flushed: number }>;
  /** The video was deleted: nothing of it stays. */
  forget(): Promise<void>;
}
