import { callsAccount } from "../../shared/calls/account";
import { callsErrors } from "../../shared/calls/errors";
import { callsVarSection } from "../../shared/calls/vars";
import { defineModule, mount } from "../module-manifest";

/** One-to-one calls (CallSession), group calls (CallRoom), ringing and signalling, ICE servers. */
export const callsModule = defineModule({
  name: "calls",
  routes: {
    calls: mount("/v1/calls", async () => (await import("../api/routes/calls")).callRoutes),
    groupCalls: mount("/v1/group-calls", async () => (await import("../api/routes/group-calls")).groupCallRoutes),
  },
  account: callsAccount,
  vars: callsVarSection,
  errors: callsErrors,
});
