import type { Deps } from "../platform/deps-types";
import { logEvent } from "../observability/log";
import { deliverAll } from "./delivery";
import { eventIdOf, excerptOf, type PushEvent, topicOf } from "./events";
import { GENERAL_CHAT_ID } from "../chat/model";
import { hears } from "./audience";
import { showsContent } from "./preferences";
import type { ApplicationPush, CallIncomingPush, CallStopPush, MessagePush } from "./payloads";
import type { PushNotification } from "./push-sender";
import {
  cancelRetryingDeliveries,
  chatListeners,
  chatPushContext,
  liveDevicesOf,
  listDeliveredDeviceIds,
  type PushDeviceRecord,
  userPushContext,
} from "./records";

/** How long a stop-ringing push is kept for a device that is offline (it replaces the ring, by topic). */
const STOP_TTL_SECONDS = 3600;

/** An application's news keeps for a day on a device that is offline (the next change replaces it, by topic). */
const APPLICATION_TTL_SECONDS = 86_400;

/** Who gets which notification for an event (settings applied); empty when nobody does. */
async function recipientsOf(deps: Deps, event: PushEvent): Promise<Map<string, PushNotification>> {
  const now = deps.clock.now();
  const out = new Map<string, PushNotification>();
  switch (event.type) {
    case "message": {
      const context = await chatPushContext(deps.db, event.chatId, event.senderId);
      if (!context) return out;
      const general = context.chatType === "general";
      const topic = topicOf("chat", event.chatId);
      const listeners = await chatListeners(deps.db, event.chatId, { general, except: [event.senderId, ...(event.connectedUserIds ?? [])], withDevice: true });
      // Too many readers to list in the job: the room says which of these few it has open.
      const connected =
        event.connectedUserIds === undefined && listeners.length > 0
          ? new Set(await deps.objects.chatRoom(event.chatId).connectedAmong(listeners.map((member) => member.userId)))
          : new Set<string>();
      for (const member of listeners) {
        if (connected.has(member.userId)) continue;
        if (!hears(member, { kind: "message", text: event.text, mentionIds: event.encrypted?.mentionIds ?? event.mentionIds }, now)) continue;
        // An encrypted chat's push has ids only: the service worker shows "New message".
        const payload: MessagePush =
          showsContent(member.settings) && !event.encrypted
            ? {
                type: "message",
                chatId: event.chatId,
                messageId: event.messageId,
                seq: event.seq,
                chatTitle: context.chatType === "direct" ? context.senderName : context.chatTitle,
                senderName: context.senderName,
                excerpt: excerptOf(event.text),
                sentAt: new Date(event.createdAt).toISOString(),
              }
            : { type: "message", chatId: event.chatId, messageId: event.messageId };
        out.set(member.userId, { payload, ttlSeconds: deps.config.push.messageTtlSeconds, urgency: "normal", topic });
      }
      return out;
    }
    case "call.incoming": {
      const ttlSeconds = Math.ceil((event.ringsUntil - now) / 1000);
      if (ttlSeconds <= 0) return out;
      const callee = await userPushContext(deps.db, event.calleeId);
      if (!callee || !hears({ userId: event.calleeId, ...callee }, { kind: "ring", callerId: event.callerId }, now)) return out;
      const caller = await userPushContext(deps.db, event.callerId);
      const payload: CallIncomingPush = showsContent(callee.settings)
        ? {
            type: "call.incoming",
            callId: event.callId,
            callType: event.callType,
            callerId: event.callerId,
            callerName: caller?.displayName ?? null,
            ringsUntil: new Date(event.ringsUntil).toISOString(),
          }
        : { type: "call.incoming", callId: event.callId };
      out.set(event.calleeId, { payload, ttlSeconds, urgency: "high", topic: topicOf("call", event.callId) });
      return out;
    }
    case "call.stop": {
      const callee = await userPushContext(deps.db, event.calleeId);
      const caller = await userPushContext(deps.db, event.callerId);
      const status: CallStopPush["status"] = event.status;
      const payload: CallStopPush = showsContent(callee?.settings ?? null)
        ? { type: "call.stop", callId: event.callId, status, callerName: caller?.displayName ?? null }
        : { type: "call.stop", callId: event.callId, status };
      out.set(event.calleeId, { payload, ttlSeconds: STOP_TTL_SECONDS, urgency: "high", topic: topicOf("call", event.callId) });
      return out;
    }
    case "group_call.incoming": {
      const ttlSeconds = Math.ceil((event.ringsUntil - now) / 1000);
      if (ttlSeconds <= 0) return out;
      const starter = await userPushContext(deps.db, event.starterId);
      // Asked again here, not only when the call started: a mute set while the ring was queued holds.
      const listeners = await chatListeners(deps.db, event.chatId, {
        general: event.chatId === GENERAL_CHAT_ID,
        only: event.recipientIds,
        except: [event.starterId],
        withDevice: true,
      });
      for (const recipient of listeners) {
        if (!hears(recipient, { kind: "ring", callerId: event.starterId }, now)) continue;
        const recipientId = recipient.userId;
        const payload: CallIncomingPush = showsContent(recipient.settings)
          ? {
              type: "call.incoming",
              callId: event.callId,
              chatId: event.chatId,
              callType: event.callType,
              callerId: event.starterId,
              callerName: starter?.displayName ?? null,
              ringsUntil: new Date(event.ringsUntil).toISOString(),
            }
          : { type: "call.incoming", callId: event.callId, chatId: event.chatId };
        out.set(recipientId, { payload, ttlSeconds, urgency: "high", topic: topicOf("call", event.callId) });
      }
      return out;
    }
    case "group_call.stop": {
      for (const recipientId of event.recipientIds) {
        const payload: CallStopPush = { type: "call.stop", callId: event.callId, chatId: event.chatId, status: "ended" };
        out.set(recipientId, { payload, ttlSeconds: STOP_TTL_SECONDS, urgency: "high", topic: topicOf("call", event.callId) });
      }
      return out;
    }
    case "application.updated": {
      const candidate = await userPushContext(deps.db, event.candidateId);
      if (!candidate || !hears({ userId: event.candidateId, ...candidate }, { kind: "news" }, now)) return out;
      const payload: ApplicationPush = showsContent(candidate.settings)
        ? {
            type: "application.updated",
            applicationId: event.applicationId,
            status: event.status as ApplicationPush["status"],
            reason: event.reason,
            vacancyTitle: event.vacancyTitle,
            companyName: event.companyName,
          }
        : { type: "application.updated", applicationId: event.applicationId };
      out.set(event.candidateId, { payload, ttlSeconds: APPLICATION_TTL_SECONDS, urgency: "normal", topic: topicOf("application", event.applicationId) });
      return out;
    }
  }
}

/**
 * The `push.fanout` job: works out who gets the event and sends each device its first attempt
 * (later attempts are `push.send` jobs). A stop-ringing push goes only to the devices the ring
 * reached. Run twice (a redelivery), it sends nothing twice: each (event, device) is claimed once.
 */
export async function runPushFanout(deps: Deps, event: PushEvent): Promise<{ devices: number }> {
  const eventId = eventIdOf(event);
  const recipients = await recipientsOf(deps, event);
  if (recipients.size === 0) return { devices: 0 };
  let devices: PushDeviceRecord[] = await liveDevicesOf(deps.db, [...recipients.keys()], deps.clock.date());
  if (event.type === "call.stop" || event.type === "group_call.stop") {
    const ringId = `call:${event.callId}:ring`;
    // A ring still waiting for a retry is not sent any more; the devices it reached are told to stop.
    await cancelRetryingDeliveries(deps.db, ringId, "call_stopped", deps.clock.date());
    const rang = new Set(await listDeliveredDeviceIds(deps.db, ringId));
    devices = devices.filter((device) => rang.has(device.id));
  }
  await deliverAll(
    deps,
    devices.map((device) => ({ eventId, device, notification: recipients.get(device.userId)!, attempt: 1 })),
  );
  if (devices.length > 0) logEvent("info", "push fan-out", { eventId, devices: devices.length });
  return { devices: devices.length };
}
