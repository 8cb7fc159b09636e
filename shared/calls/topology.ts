import type { TopologySetting } from "./vars";

/** How a group call's media flows: every browser to every other (mesh), or each through the SFU. */
export type MediaTopology = "mesh" | "sfu";

/** What the topology of a group call depends on: the setting, whether an SFU app is configured, and the two caps. */
export interface TopologyRules {
  setting: TopologySetting;
  sfuConfigured: boolean;
  meshMaxParticipants: number;
  sfuMaxParticipants: number;
}

/** Whether calls may ever go through the SFU: one is configured and the setting is not `mesh`. */
export function sfuUsable(rules: TopologyRules): boolean {
  return rules.sfuConfigured && rules.setting !== "mesh";
}

/** Most people in one group call: the SFU's cap when calls can move to it, else the mesh's. */
export function participantCap(rules: TopologyRules): number {
  return sfuUsable(rules) ? rules.sfuMaxParticipants : rules.meshMaxParticipants;
}

/**
 * The topology of a call with `participants` people in it, given the one it has now. `sfu`: from
 * the start; `auto`: a mesh until someone joins beyond the mesh's cap, then the SFU for the rest
 * of the call, even when people leave again (moving every browser back and forth would drop
 * media twice for nothing). Without an SFU, always a mesh.
 */
export function topologyFor(rules: TopologyRules, current: MediaTopology, participants: number): MediaTopology {
  if (!sfuUsable(rules)) return "mesh";
  if (rules.setting === "sfu" || current === "sfu") return "sfu";
  return participants > rules.meshMaxParticipants ? "sfu" : "mesh";
}

/** The rules of the calls config (`deps.config.calls`). */
export function topologyRulesOf(calls: {
  topology: TopologySetting;
  sfu: object | null;
  meshMaxParticipants: number;
  sfuMaxParticipants: number;
}): TopologyRules {
  return {
    setting: calls.topology,
    sfuConfigured: calls.sfu !== null,
    meshMaxParticipants: calls.meshMaxParticipants,
    sfuMaxParticipants: calls.sfuMaxParticipants,
  };
}
