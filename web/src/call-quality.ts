// What the browser measured over a call, sent to the platform when the call ends
// (`POST /v1/calls/:id/report`), so operators see when TURN is missing or failing (docs/calls.md).
import { ok } from "../../client";
import { platform } from "./api-client";

type CandidateType = "host" | "srflx" | "prflx" | "relay" | "unknown";

/** Most indirect first: a call that needed TURN on any pair is a relayed call. */
const RANK: CandidateType[] = ["relay", "prflx", "srflx", "host", "unknown"];

interface StatsReport {
  type: string;
  id: string;
  selectedCandidatePairId?: string;
  nominated?: boolean;
  state?: string;
  localCandidateId?: string;
  candidateType?: string;
  currentRoundTripTime?: number;
  packetsLost?: number;
  packetsReceived?: number;
}

/** One peer connection's selected pair and inbound loss. */
async function measure(pc: RTCPeerConnection): Promise<{ type: CandidateType; rttMs: number | null; lost: number; received: number }> {
  const stats = (await pc.getStats()) as unknown as Map<string, StatsReport>;
  let pair: StatsReport | undefined;
  let lost = 0;
  let received = 0;
  stats.forEach((report) => {
    if (report.type === "transport" && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
    if (report.type === "inbound-rtp") {
      lost += Math.max(0, report.packetsLost ?? 0);
      received += report.packetsReceived ?? 0;
    }
  });
  // Some browsers name no selected pair on the transport: the nominated, succeeded one is it.
  stats.forEach((report) => {
    if (!pair && report.type === "candidate-pair" && report.nominated && report.state === "succeeded") pair = report;
  });
  const local = pair?.localCandidateId ? stats.get(pair.localCandidateId) : undefined;
  const type = (RANK as string[]).includes(local?.candidateType ?? "") ? (local?.candidateType as CandidateType) : "unknown";
  const rtt = pair?.currentRoundTripTime;
  return { type, rttMs: typeof rtt === "number" ? Math.round(rtt * 1000) : null, lost, received };
}

/**
 * Reads the statistics of the call's peer connections, closes them, and reports once for the call.
 * Best effort: a call that ends offline simply goes unreported.
 */
export async function reportCallQuality(callId: string, connections: RTCPeerConnection[], setupMs: number | null): Promise<void> {
  if (connections.length === 0) return;
  const measured = await Promise.all(connections.map((pc) => measure(pc).catch(() => null)));
  for (const pc of connections) pc.close();
  const found = measured.filter((m) => m !== null);
  if (found.length === 0) return;
  const type = RANK.find((rank) => found.some((m) => m.type === rank)) ?? "unknown";
  const rtts = found.map((m) => m.rttMs).filter((rtt) => rtt !== null);
  const lost = found.reduce((sum, m) => sum + m.lost, 0);
  const received = found.reduce((sum, m) => sum + m.received, 0);
  const json = {
    candidateType: type,
    rttMs: rtts.length > 0 ? Math.min(60_000, Math.round(rtts.reduce((a, b) => a + b, 0) / rtts.length)) : null,
    packetLoss: lost + received > 0 ? lost / (lost + received) : null,
    setupMs: setupMs === null ? null : Math.min(600_000, Math.max(0, Math.round(setupMs))),
  };
  await ok(platform.api.v1.calls[":id"].report.$post({ param: { id: callId }, json })).catch(() => undefined);
}
