import type { Deps } from "../../platform/deps-types";
import { clock } from "../../clock";
import type { Database } from "../../db/client";
import { newId } from "../../ids";
import { insertDevSms, listDevSms } from "./records";

/** One text message the platform sends. */
export interface OutgoingSms {
  /** E.164. */
  to: string;
  body: string;
}

/** Where SMS goes: Twilio's Messages API in production, the dev outbox in development and tests. */
export interface SmsSender {
  send(message: OutgoingSms): Promise<void>;
}

/** A provider's refusal; `permanent` ones (a number that cannot receive SMS) are not worth a retry. */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "SmsDeliveryError";
  }
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A Twilio number (E.164) or a Messaging Service SID (`MG…`). */
  from: string;
  baseUrl: string;
}

/**
 * Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, a form of `To`,
 * `From` (or `MessagingServiceSid`) and `Body`, with Basic auth (account SID : auth token). A
 * `201` carries the message's `sid`; an error is JSON `{ code, message, status }`.
 */
export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly settings: TwilioSettings,
    private readonly fetchFn: typeof fetch,
  ) {}

  async send(message: OutgoingSms): Promise<void> {
    const { accountSid, authToken, from, baseUrl } = this.settings;
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    form.set(/^MG[0-9a-f]{32}$/i.test(from) ? "MessagingServiceSid" : "From", from);
    const response = await this.fetchFn(`${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
    });
    if (response.status === 201 || response.status === 200) {
      await response.body?.cancel();
      return;
    }
    let detail = `HTTP ${response.status}`;
    try {
      const problem = (await response.json()) as { code?: number; message?: string };
      detail = `Twilio ${problem.code ?? response.status}: ${problem.message ?? "no message"}`;
    } catch {
      // not JSON: the status says enough
    }
    // 4xx but 429 are the request's own fault (an invalid or unreachable number): retrying changes nothing.
    throw new SmsDeliveryError(detail, response.status >= 400 && response.status < 500 && response.status !== 429);
  }
}

/** Keeps every SMS in D1 (`dev_sms_outbox`) instead of sending it; read by GET /dev/sms-outbox. */
export class DevSmsOutbox implements SmsSender {
  constructor(private readonly db: Database) {}

  async send(message: OutgoingSms): Promise<void> {
    await insertDevSms(this.db, { id: newId(), to: message.to, body: message.body, createdAt: clock.date() });
  }
}

/** The sender of this deployment; null when production has no SMS provider configured. */
export function smsSenderFor(deps: Deps): SmsSender | null {
  if (deps.config.usesDevMailbox) return new DevSmsOutbox(deps.db);
  const twilio = deps.config.phone.twilio;
  return twilio ? new TwilioSmsSender(twilio, deps.fetch) : null;
}

export interface DevSms {
  to: string;
  body: string;
  createdAt: string;
}

export async function readDevSmsOutbox(deps: Deps, to: string, limit = 50): Promise<DevSms[]> {
  const rows = await listDevSms(deps.db, to, limit);
  return rows.map((row) => ({ to: row.to, body: row.body, createdAt: row.createdAt.toISOString() }));
}
