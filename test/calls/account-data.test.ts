import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callsAccount } from "../../shared/calls/account";
import { accountModules } from "../../workers/modules";
import { api, json } from "../helpers";
import { callCommand, getCall, placeCall, twoUsers } from "./fixtures";
import { testDeps } from "../kit/deps";

describe("calls in data export and account deletion", () => {
  it("exports every call of the user, with the deleted-from-history flag", async () => {
    const [me, friend] = await twoUsers();
    const first = await placeCall(me, friend);
    await callCommand(me, first.id, "end");
    await api(`/v1/calls/${first.id}`, { method: "DELETE", token: me.accessToken });
    const second = await placeCall(friend, me);
    const exported = (await callsAccount.exportData!(testDeps(), me.id)) as { id: string; deletedFromHistory: boolean }[];
    expect(exported.map((c) => [c.id, c.deletedFromHistory])).toEqual([
      [first.id, true],
      [second.id, false],
    ]);
  });

  it("deleting an account ends its live calls and leaves the other side's history intact", async () => {
    const [leaving, staying] = await twoUsers();
    const finished = await placeCall(leaving, staying);
    await callCommand(staying, finished.id, "reject");
    const live = await placeCall(staying, leaving);
    const deps = testDeps();
    const steps = await Promise.all(accountModules.flatMap((module) => (module.onDelete ? [module.onDelete(deps, leaving.id, Date.now())] : [])));
    // Prepared on the platform's (measured) D1, so batched there, as account deletion does.
    await deps.db.$client.batch(steps.flatMap((step) => step.statements));
    expect((await getCall(staying, live.id)).status).toBe("missed");
    const history = await json(await api("/v1/calls/history", { token: staying.accessToken }));
    expect(history.items.map((c: { id: string }) => c.id)).toEqual([live.id, finished.id]);
    const left = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM calls WHERE (caller_id = ?1 AND hidden_for_caller = 0) OR (callee_id = ?1 AND hidden_for_callee = 0)",
    )
      .bind(leaving.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
