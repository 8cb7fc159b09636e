import { realtimeErrors } from "../../shared/realtime/errors";
import { realtimeVarSection } from "../../shared/realtime/vars";
import { defineModule, mount } from "../module-manifest";

/** The notification socket of each device (UserHub) and socket tickets. */
export const realtimeModule = defineModule({
  name: "realtime",
  routes: { realtime: mount("/v1/realtime", async () => (await import("../api/routes/realtime")).realtimeRoutes) },
  vars: realtimeVarSection,
  errors: realtimeErrors,
});
