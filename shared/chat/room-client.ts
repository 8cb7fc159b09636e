import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { rateLimited } from "../rate-limits";
import type { RoomFailure, RoomResult } from "./model";
import { traced } from "../observability/traced-stub";

/** The ChatRoom of a chat: one Durable Object per chat, named by the chat id. */
export function chatRoom(env: Env, chatId: string) {
  return traced(env.CHAT_ROOM.getByName(chatId));
}

export function roomError(failure: Omit<RoomFailure, "ok">): ApiError {
  if (failure.status === 429) return rateLimited(failure.retryAfterSeconds ?? 1, failure.detail);
  return new ApiError(failure.status, failure.code, failure.detail);
}

/** Returns the value of a room call or throws its failure as the ApiError it stands for. */
export function unwrapRoomResult<T>(result: RoomResult<T>): T {
  if (result.ok) return result.value;
  throw roomError(result);
}
