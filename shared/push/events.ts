import type { PushNotification } from "./push-sender";

/**
 * What may push, as the ChatRoom and CallSession report it on the JOBS queue
 * (docs/notifications.md, "Events"). Each event has one id, the idempotency key of its
 * deliveries together with the device.
 */
export type PushEvent =
  | {
      type: "message";
      chatId: string;
      messageId: string;
      seq: number;
      senderId: string;
      /** The message text: mentions are looked for in it, and a notification shows its start. Empty in an encrypted chat. */
      text: string;
      /**
       * An end-to-end encrypted chat's message (docs/e2ee.md): the push carries ids only, never
       * content, and "mentions only" goes by `mentionIds` (the ids the message binds in the clear).
       */
      encrypted?: { mentionIds: string[] };
      /** A plain message's mentions by id (its `mentions`), heard as well as `@name` in the text. */
      mentionIds?: string[];
      createdAt: number;
      /**
       * Members with a socket open in the room when the message was stored: they saw it. Absent
       * when too many to list in a job (a room of thousands): the fan-out asks the room which of
       * the members it would push to have it open (`connectedAmong`).
       */
      connectedUserIds?: string[];
    }
  | { type: "call.incoming"; callId: string; callerId: string; calleeId: string; callType: "voice" | "video"; createdAt: number; ringsUntil: number }
  | { type: "call.stop"; callId: string; callerId: string; calleeId: string; status: "answered" | "rejected" | "missed" | "ended" | "busy" }
  /** A group call started: every member but the starter rings (`recipientIds`). */
  | {
      type: "group_call.incoming";
      callId: string;
      chatId: string;
      starterId: string;
      recipientIds: string[];
      callType: "voice" | "video";
      createdAt: number;
      ringsUntil: number;
    }
  /** The group call ended: the devices its ring reached stop ringing. */
  | { type: "group_call.stop"; callId: string; chatId: string; starterId: string; recipientIds: string[] }
  | {
      /** The jobs board: a company moved the candidate's application, or closed its vacancy. */
      type: "application.updated";
      applicationId: string;
      /** The status change's history event id, or `closed:<vacancy id>`: one push per change. */
      changeId: string;
      candidateId: string;
      status: string;
      reason: "status_changed" | "vacancy_closed";
      vacancyTitle: string;
      companyName: string;
    };

export interface PushFanoutJob {
  kind: "push.fanout";
  event: PushEvent;
}

/** A later attempt of one (event, device) delivery, queued with the delay the push service asked for. */
export interface PushSendJob {
  kind: "push.send";
  eventId: string;
  deviceId: string;
  attempt: number;
  notification: PushNotification;
}

declare module "../env" {
  interface JobKinds {
    "push.fanout": PushFanoutJob;
    "push.send": PushSendJob;
  }
}

export const EXCERPT_CHARS = 140;

export function eventIdOf(event: PushEvent): string {
  switch (event.type) {
    case "message":
      return `message:${event.messageId}`;
    case "call.incoming":
    case "group_call.incoming":
      return `call:${event.callId}:ring`;
    case "call.stop":
    case "group_call.stop":
      return `call:${event.callId}:stop`;
    case "application.updated":
      return `application:${event.applicationId}:${event.changeId}`;
  }
}

/**
 * A `Topic` (RFC 8030: at most 32 base64url characters) per chat or call: a phone that was offline
 * gets one notification per chat, and a stop-ringing push replaces a ring not yet delivered.
 */
export function topicOf(kind: "chat" | "call" | "application", id: string): string {
  const compact = id.replace(/[^A-Za-z0-9_-]/g, "");
  return `${kind === "chat" ? "c" : kind === "call" ? "k" : "a"}${compact}`.slice(0, 32);
}

/** The start of a message text: at most EXCERPT_CHARS characters, whole code points. */
export function excerptOf(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, " ").trim());
  return chars.length <= EXCERPT_CHARS ? chars.join("") : `${chars.slice(0, EXCERPT_CHARS - 1).join("")}…`;
}
