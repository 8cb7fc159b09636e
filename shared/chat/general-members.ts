import type { Deps } from "../platform/deps-types";
import type { Principal } from "../identity/sessions/principal";

/**
 * May this user see the general chat's members? The general chat holds every account, so its
 * member list is the platform's list of users.
 *
 * - In an invite-only deployment (`REGISTRATION_MODE=invite`: a family, a team) everyone was let
 *   in by someone, and its members may list each other.
 * - In an open-registration deployment anyone can register, so a member list would hand every
 *   account id (and, with profiles, every name) to a stranger: only admins, who see every user
 *   through the admin API anyway, may list it.
 *
 * Anything that shows people from the general chat (the members route; a people directory) asks
 * this one function.
 */
export function maySeeGeneralChatMembers(deps: Pick<Deps, "config">, viewer: Pick<Principal, "role">): boolean {
  return deps.config.registration.inviteOnly || viewer.role === "admin";
}
