import { pushAccount } from "../../shared/push/account";
import { pushErrors } from "../../shared/push/errors";
import { pushVarSection } from "../../shared/push/vars";
import { pushFanoutJob, pushSendJob, pushHousekeeping } from "../jobs/push";
import { defineModule, mount } from "../module-manifest";

/** Push notifications: devices, settings, fan-out and delivery on the JOBS queue (docs/notifications.md). */
export const pushModule = defineModule({
  name: "push",
  routes: { push: mount("/v1", async () => (await import("../api/routes/push")).pushRoutes) },
  account: pushAccount,
  jobs: { "push.fanout": pushFanoutJob, "push.send": pushSendJob },
  cron: { "17 3 * * *": [pushHousekeeping] },
  vars: pushVarSection,
  errors: pushErrors,
});
