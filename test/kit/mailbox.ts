import { expect, vi } from "vitest";
import { api, json } from "../helpers";
import type { ApiClient, Reply } from "./api";

/** One mail of the dev mailbox, as GET /dev/mailbox answers it. */
export type Mail = Reply<ApiClient["dev"]["mailbox"]["$get"]>["items"][number];

export async function mailbox(to: string): Promise<Mail[]> {
  const response = await api(`/dev/mailbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  return (await json<Reply<ApiClient["dev"]["mailbox"]["$get"]>>(response)).items;
}

/** Waits until `count` mails matching `subject` arrived (mail goes through the JOBS queue). */
export async function waitForMail(to: string, subject: RegExp, count = 1, timeoutMs = 15_000): Promise<Mail[]> {
  return vi.waitFor(
    async () => {
      const matching = (await mailbox(to)).filter((mail) => subject.test(mail.subject));
      if (matching.length < count) throw new Error(`no ${count} mail(s) "${subject}" for ${to} (have ${matching.length})`);
      return matching;
    },
    { timeout: timeoutMs, interval: 200 },
  );
}

export function tokenIn(mail: Mail): string {
  const match = /token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no token in mail: ${mail.text}`);
  return match[1];
}
