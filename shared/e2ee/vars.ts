import { defineVars, flagVar, numberWhereVar, type ParsedVars, varSection } from "../var-declarations";

/** The vars of end-to-end encryption (docs/e2ee.md). */
export const e2eeVars = defineVars({
  E2EE_ENCRYPTED_CHATS_DEFAULT: flagVar(false, {
    description:
      "Whether a new direct or group chat is end-to-end encrypted when its creator does not say. Off until the web app speaks MLS; a client may always ask for `encrypted: true`.",
  }),
  E2EE_MAX_KEY_PACKAGES_PER_DEVICE: numberWhereVar(200, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, {
    description: "Most unclaimed MLS key packages one device may hold on the server (1 to 10000); the last-resort package is not counted.",
  }),
  E2EE_KEY_PACKAGE_MAX_LIFETIME_DAYS: numberWhereVar(
    90,
    (n) => Number.isInteger(n) && n >= 1 && n <= 365,
    { description: "Longest lifetime (`not_after` − `not_before`) of a key package the server accepts (1 to 365 days)." },
    "days",
  ),
  E2EE_KEY_BACKUP_MAX_BYTES: numberWhereVar(
    524_288,
    (n) => Number.isInteger(n) && n >= 1024 && n <= 16_777_216,
    {
      description:
        "Largest encrypted key backup one user may store (1 KiB to 16 MiB). It travels as base64url in JSON, so MAX_BODY_BYTES must exceed 4/3 of it.",
    },
    "bytes",
  ),
});

function e2eeConfig(v: ParsedVars) {
  return {
    e2ee: {
      encryptedChatsByDefault: v.E2EE_ENCRYPTED_CHATS_DEFAULT,
      maxKeyPackagesPerDevice: v.E2EE_MAX_KEY_PACKAGES_PER_DEVICE,
      keyPackageMaxLifetimeSeconds: v.E2EE_KEY_PACKAGE_MAX_LIFETIME_DAYS * 86_400,
      keyBackupMaxBytes: v.E2EE_KEY_BACKUP_MAX_BYTES,
    },
  };
}

export const e2eeVarSection = varSection("e2ee", e2eeVars, e2eeConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    e2ee: typeof e2eeVars;
  }
  interface ConfigSections {
    e2ee: ReturnType<typeof e2eeConfig>;
  }
}
