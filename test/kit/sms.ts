import { expect, vi } from "vitest";
import { api, json } from "../helpers";
import type { ApiClient, Reply } from "./api";

export { uniquePhone } from "./phone-numbers";

/** One text of the dev SMS outbox, as GET /dev/sms-outbox answers it. */
export type Sms = Reply<ApiClient["dev"]["sms-outbox"]["$get"]>["items"][number];

export async function smsOutbox(to: string): Promise<Sms[]> {
  const response = await api(`/dev/sms-outbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  return (await json<Reply<ApiClient["dev"]["sms-outbox"]["$get"]>>(response)).items;
}

/** Waits until `count` texts reached `to` (codes go through the JOBS queue); returns the newest one's code. */
export async function waitForSmsCode(to: string, count = 1, timeoutMs = 15_000): Promise<string> {
  const texts = await vi.waitFor(
    async () => {
      const items = await smsOutbox(to);
      if (items.length < count) throw new Error(`no ${count} text(s) for ${to} (have ${items.length})`);
      return items;
    },
    { timeout: timeoutMs, interval: 200 },
  );
  const code = /\b(\d{6})\b/.exec(texts[0]!.body)?.[1];
  if (!code) throw new Error(`no code in text: ${texts[0]!.body}`);
  return code;
}
