import { callsAccount } from "../../shared/calls/account";
import { callsErrors } from "../../shared/calls/errors";
import { callsVarSection } from "../../shared/calls/vars";
import { callRoutes } from "../api/routes/calls";
import { groupCallRoutes } from "../api/routes/group-calls";
import { defineModule, mount } from "../module-manifest";

/** One-to-one calls (CallSession), group calls (CallRoom), ringing and signalling, ICE servers. */
export const callsModule = defineModule({
  name: "calls",
  routes: { calls: mount("/v1/calls", callRoutes), groupCalls: mount("/v1/group-calls", groupCallRoutes) },
  account: callsAccount,
  vars: callsVarSection,
  errors: callsErrors,
});
