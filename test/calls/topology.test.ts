import { describe, expect, it } from "vitest";
import { participantCap, type TopologyRules, topologyFor } from "../../shared/calls/topology";

const rules = (overrides: Partial<TopologyRules> = {}): TopologyRules => ({
  setting: "auto",
  sfuConfigured: true,
  meshMaxParticipants: 4,
  sfuMaxParticipants: 16,
  ...overrides,
});

describe("the topology rule of group calls", () => {
  it("without an SFU every call is a mesh capped at the mesh's maximum, whatever the setting", () => {
    for (const setting of ["auto", "mesh", "sfu"] as const) {
      const r = rules({ setting, sfuConfigured: false });
      expect(topologyFor(r, "mesh", 0)).toBe("mesh");
      expect(topologyFor(r, "mesh", 9)).toBe("mesh");
      expect(participantCap(r)).toBe(4);
    }
  });

  it("auto: a mesh up to the mesh's maximum, the SFU from the next joiner on, and no way back", () => {
    const r = rules();
    expect(topologyFor(r, "mesh", 0)).toBe("mesh");
    expect(topologyFor(r, "mesh", 4)).toBe("mesh");
    expect(topologyFor(r, "mesh", 5)).toBe("sfu");
    expect(topologyFor(r, "sfu", 2)).toBe("sfu");
    expect(participantCap(r)).toBe(16);
  });

  it("sfu: always the SFU; mesh: never, and capped at the mesh's maximum", () => {
    expect(topologyFor(rules({ setting: "sfu" }), "mesh", 0)).toBe("sfu");
    expect(participantCap(rules({ setting: "sfu" }))).toBe(16);
    expect(topologyFor(rules({ setting: "mesh" }), "mesh", 8)).toBe("mesh");
    expect(participantCap(rules({ setting: "mesh" }))).toBe(4);
  });
});
