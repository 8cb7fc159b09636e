import { emailVarSection } from "../../shared/email/vars";
import { sendEmailJob } from "../jobs/send-email";
import { defineModule } from "../module-manifest";

/** Outgoing e-mail: queued, then sent by the `email.send` job (the dev mailbox in development). */
export const emailModule = defineModule({
  name: "email",
  jobs: { "email.send": sendEmailJob },
  vars: emailVarSection,
});
