// People this tab meets by id only (a caller, a typing member): their card, asked for once.
import { ok, ProblemError } from "../../client";
import { platform } from "./platform";
import { store } from "./store";

const asked = new Set<string>();

/** Fetches the person's card unless it was asked for already; the store re-renders whoever shows them. */
export function lookUpPerson(userId: string): void {
  if (asked.has(userId)) return;
  asked.add(userId);
  void ok(platform.api.v1.users[":id"].$get({ param: { id: userId } })).then(
    (person) => store.rememberPeople([person]),
    (error: unknown) => {
      if (error instanceof ProblemError && error.status === 404) store.set({ people: { ...store.state.people, [userId]: null } });
      else asked.delete(userId);
    },
  );
}
