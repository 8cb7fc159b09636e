import { durableState } from "../shared/platform/durable-state-export";
import type { DurableStateReply, DurableStateRequest } from "../shared/platform/durable-state-rpc";
import { DurableObject } from "cloudflare:workers";
import { depsFor } from "../workers/composition";
import type { Env } from "../shared/env";
import type { VideoViewsRpc } from "../shared/video/video-views-rpc";
import { flushMetrics, metrics } from "../shared/observability/metrics";
import type { TraceCarrier } from "../shared/observability/trace-context";
import { runTracedMethod } from "../shared/observability/traced-stub";
import { setViewCount } from "../shared/video/records";
import { ViewLedger } from "../shared/video/view-ledger";

/**
 * One per video (named by its id): deduplicates views per viewer per 24 h in its own SQLite and
 * writes the total to D1 at most once per VIDEO_VIEW_FLUSH_SECONDS, from its alarm. The total is
 * written as an absolute value, so a flush repeated after a failure never counts twice.
 */
export class VideoViews extends DurableObject<Env> implements VideoViewsRpc {
  private readonly deps = depsFor(this.env);
  private readonly ledger = new ViewLedger(this.ctx.storage.sql);
  /** Whether a flush is already due (an alarm set since this instance woke), saving a storage read per view. */
  private flushPending = false;

  async record(videoId: string, viewer: string, now: number): Promise<{ counted: boolean }> {
    if (this.ledger.videoId === null) this.ledger.videoId = videoId;
    const counted = this.ledger.record(viewer, now);
    if (counted && !this.flushPending) {
      const alarm = await this.ctx.storage.getAlarm();
      const due = this.deps.clock.now() + this.deps.config.video.viewFlushMs;
      // An alarm set only to forget old viewers may be far away: a new count brings it forward.
      if (alarm === null || alarm > due) await this.ctx.storage.setAlarm(due);
      this.flushPending = true;
    }
    return { counted };
  }

  /** The counts as this object holds them (the D1 copy follows within a flush interval). */
  async counts(): Promise<{ total: number; flushed: number }> {
    return { total: this.ledger.total, flushed: this.ledger.flushed };
  }

  /** The video was deleted: nothing of it stays. */
  async forget(): Promise<void> {
    this.flushPending = false;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    this.flushPending = false;
    const videoId = this.ledger.videoId;
    if (videoId === null) return;
    const total = this.ledger.total;
    if (total > this.ledger.flushed) {
      await setViewCount(this.deps.db, videoId, total);
      this.ledger.markFlushed(total);
      metrics.count("video_view_flushes_total", {});
      await flushMetrics(this.deps);
    }
    const now = this.deps.clock.now();
    const nextExpiry = this.ledger.purge(now);
    // Views that arrived during the write are flushed next; otherwise wake when a viewer's window ends, to forget them.
    if (this.ledger.total > this.ledger.flushed) {
      await this.ctx.storage.setAlarm(now + this.deps.config.video.viewFlushMs);
      this.flushPending = true;
    } else if (nextExpiry !== null) await this.ctx.storage.setAlarm(nextExpiry);
  }

  /** Backup and restore (`GET /v1/admin/backup/objects/...`): every table and key, whatever this class adds. */
  async durableState(request: DurableStateRequest): Promise<DurableStateReply> {
    return durableState(this.ctx, request);
  }

  async traced(carrier: TraceCarrier, method: string, args: unknown[]): Promise<unknown> {
    return runTracedMethod(this, carrier, method, args);
  }
}
