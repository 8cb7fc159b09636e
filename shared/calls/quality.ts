import { z } from "@hono/zod-openapi";
import { notFound } from "../http/errors";
import { metrics, scheduleMetricsFlush } from "../observability/metrics";
import type { Deps } from "../platform/deps-types";
import { hasMembership } from "../chat/records";
import { isParticipant } from "./call";
import { findCall, findGroupCall, insertQualityReport, tookPartInGroupCall } from "./records";

export const CANDIDATE_TYPES = ["host", "srflx", "prflx", "relay", "unknown"] as const;

/** What a browser measured over a call (RTCPeerConnection.getStats at the end): the body of `POST /v1/calls/:id/report`. */
export const QualityReportSchema = z
  .object({
    candidateType: z.enum(CANDIDATE_TYPES).openapi({ description: "The local candidate of the selected pair: `relay` means TURN carried the media" }),
    rttMs: z.number().min(0).max(60_000).nullable().openapi({ description: "currentRoundTripTime of the selected pair, in ms" }),
    packetLoss: z.number().min(0).max(1).nullable().openapi({ description: "Inbound packets lost / (received + lost), 0 to 1" }),
    setupMs: z.number().min(0).max(600_000).nullable().openapi({ description: "From answering or joining until ICE connected, in ms" }),
  })
  .strict()
  .openapi("CallQualityReport");
export type QualityReport = z.infer<typeof QualityReportSchema>;

/**
 * Records a participant's report of a two-party or group call (404 for anyone else): kept once per
 * user and call as a `call.quality` audit event, and counted in `/metrics` (the relay share,
 * setup time and round-trip time) only the first time, so a retried report never counts twice.
 */
export async function reportCallQuality(deps: Deps, callId: string, userId: string, report: QualityReport): Promise<{ recorded: boolean }> {
  const kind = await callKindFor(deps, callId, userId);
  const recorded = await insertQualityReport(deps.db, callId, userId, { kind, ...report }, deps.clock.now());
  if (recorded) {
    metrics.count("call_quality_reports_total", { candidate_type: report.candidateType, kind });
    if (report.setupMs !== null) metrics.observe("call_setup_seconds", { kind }, report.setupMs / 1000);
    if (report.rttMs !== null) metrics.observe("call_rtt_seconds", { kind }, report.rttMs / 1000);
    scheduleMetricsFlush(deps);
  }
  return { recorded };
}

async function callKindFor(deps: Deps, callId: string, userId: string): Promise<"direct" | "group"> {
  const call = await findCall(deps.db, callId);
  if (call) {
    if (isParticipant(call, userId)) return "direct";
    throw notFound("No such call");
  }
  const group = await findGroupCall(deps.db, callId);
  if (group && (await tookPartInGroupCall(deps.db, callId, userId)) && (await hasMembership(deps.db, group.chatId, userId))) return "group";
  throw notFound("No such call");
}
