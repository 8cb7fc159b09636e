import { defineErrors } from "../http/errors";

/** The error codes of the studio: library, sharing, export, providers and generation. */
export const studioErrors = defineErrors({
  invalid_headliner: { status: 400, description: "The headliner must be an asset of this box." },
  invalid_order: { status: 400, description: "The new order names a box twice or misses one." },
  invalid_model: { status: 400, description: "The model cannot do this (for example a text model asked for an asset)." },
  invalid_params: { status: 400, description: "The params do not fit the model's params schema; `errors` lists them." },
  invalid_parent: { status: 400, description: "The parent asset must be a completed image of the caller." },
  invalid_provider: { status: 400, description: "The provider definition is not usable (template, pointers or secret reference)." },
  reserved_id: { status: 400, description: "The id belongs to the built-in development provider." },
  unknown_model: { status: 400, description: "No model with this id is configured." },
  built_in_provider: { status: 403, description: "The development provider's models are built in and cannot be changed." },
  model_not_found: { status: 404, description: "No model with this id." },
  model_exists: { status: 409, description: "A model with this id exists." },
  provider_exists: { status: 409, description: "A provider with this id exists." },
  edit_config_conflict: {
    status: 409,
    description: "The Smart Edit configuration was saved by someone else since the version this change started from; `currentVersion` says which is in force.",
  },
  share_expired: { status: 410, description: "The share link has expired." },
  generation_limit: { status: 429, description: "The user has STUDIO_MAX_CONCURRENT_GENERATIONS generations pending already." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    studio: typeof studioErrors;
  }
}
