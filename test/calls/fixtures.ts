import { expect } from "vitest";
import { api, json, openSocket, registerUser, type TestUser } from "../helpers";

export const openHub = (user: TestUser) => openSocket("/v1/realtime", user.accessToken);
export const openSignalling = (user: TestUser, callId: string) => openSocket(`/v1/calls/${callId}/ws`, user.accessToken);

export async function placeCall(caller: TestUser, callee: TestUser, type: "voice" | "video" = "voice") {
  const response = await api("/v1/calls", { token: caller.accessToken, body: { calleeId: callee.id, type } });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as { id: string; status: string; callerId: string; calleeId: string } & Record<string, any>;
}

export async function callCommand(user: TestUser, callId: string, command: "accept" | "reject" | "end") {
  return api(`/v1/calls/${callId}/${command}`, { method: "POST", token: user.accessToken });
}

export async function getCall(user: TestUser, callId: string) {
  const response = await api(`/v1/calls/${callId}`, { token: user.accessToken });
  expect(response.status).toBe(200);
  return json(response);
}

export async function twoUsers() {
  return Promise.all([registerUser(), registerUser()]);
}

export const SAMPLE_SDP =
  "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n";
export const SAMPLE_CANDIDATE = {
  candidate: "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0 generation 0",
  sdpMid: "0",
  sdpMLineIndex: 0,
};
