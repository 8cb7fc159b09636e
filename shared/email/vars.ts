import { appBaseUrl } from "../platform/vars";
import { defineVars, optionalTextVar, type ParsedVars, varSection } from "../var-declarations";

/** The vars of outgoing e-mail and the links it carries. */
export const emailVars = defineVars({
  EMAIL_FROM: optionalTextVar({
    description: "Sender address of platform e-mail, e.g. `no-reply@example.com` (production sends through the `EMAIL` binding).",
  }),
});

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

function emailConfig(v: ParsedVars) {
  return {
    /** Development and tests keep e-mail in the dev mailbox instead of sending it. */
    usesDevMailbox: v.ENVIRONMENT === "development" || v.ENVIRONMENT === "test",
    email: {
      from: v.EMAIL_FROM,
      /** Where e-mailed links point: the web app's base URL (APP_BASE_URL, else the issuer), without a trailing slash. */
      linkBase: appBaseUrl(v),
      /** The name authenticator apps show: the host of APP_BASE_URL (else the issuer). */
      totpIssuer: hostOf(v.APP_BASE_URL || v.JWT_ISSUER) || "edge-platform",
    },
  };
}

export const emailVarSection = varSection("email", emailVars, emailConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    email: typeof emailVars;
  }
  interface ConfigSections {
    email: ReturnType<typeof emailConfig>;
  }
}
