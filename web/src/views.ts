// What the store holds of a call, a group call and the route: types only, so the store and the
// controllers and router that fill it name them without importing each other.
import type { Call, GroupCall } from "../../client";

export interface CallView {
  call: Call;
  role: "caller" | "callee";
  phase: "calling" | "connecting" | "connected" | "ended";
  ice: string;
  muted: boolean;
  /** This device's camera is on (a video call starts with it on; either side turns it on or off during the call). */
  camera: boolean;
  /** The other side sends video frames now. */
  remoteVideo: boolean;
  connectedAt: number | null;
  endedText: string | null;
  /** The media is end-to-end encrypted (SFrame under the chat's MLS keys): the chat is encrypted. */
  encrypted: boolean;
}

export interface GroupTile {
  userId: string;
  name: string;
  self: boolean;
  audio: boolean;
  video: boolean;
  speaking: boolean;
}

export interface GroupCallView {
  call: GroupCall;
  phase: "joining" | "in-call" | "ended";
  muted: boolean;
  camera: boolean;
  tiles: GroupTile[];
  endedText: string | null;
  /** The media is end-to-end encrypted (SFrame under the chat's MLS keys): the chat is encrypted. */
  encrypted: boolean;
}

export type Route = { name: "chats" } | { name: "chat"; chatId: string } | { name: "calls" } | { name: "section"; section: string; rest: string[] };
