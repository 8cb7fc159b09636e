import { callsAccount } from "../../shared/calls/account";
import { callsErrors } from "../../shared/calls/errors";
import { callsVarSection } from "../../shared/calls/vars";
import { callRoutes } from "../api/routes/calls";
import { defineModule, mount } from "../module-manifest";

/** One-to-one calls, ringing and signalling (CallSession), ICE servers. */
export const callsModule = defineModule({
  name: "calls",
  routes: { calls: mount("/v1/calls", callRoutes) },
  account: callsAccount,
  vars: callsVarSection,
  errors: callsErrors,
});
