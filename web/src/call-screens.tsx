import { useEffect, useRef, useState } from "hono/jsx/dom";
import { type Call, ok } from "../../client";
import { calls } from "./call-controller";
import { Avatar } from "./chat-list";
import { CallControls } from "./call-controls";
import { PhoneIcon } from "./chat-view";
import { duration, listTime, personLabel } from "./format";
import { platform } from "./platform";
import { navigate } from "./router";
import { useAppState } from "./store";

const ICE_TEXT: Record<string, string> = {
  new: "Connecting…",
  checking: "Connecting…",
  connected: "Connected",
  completed: "Connected",
  disconnected: "Reconnecting…",
  failed: "Connection failed",
  closed: "Closed",
};

/** Rings on every open tab of the callee until one answers, declines, or the caller gives up. */
export function IncomingCall() {
  const { ringing, me } = useAppState();
  if (!ringing) return null;
  const caller = personLabel(ringing.callerId, me);
  return (
    <div class="call-screen incoming" role="alertdialog" aria-label="Incoming call" data-testid="incoming-call">
      <div class="call-card">
        <div class="pulse">
          <Avatar label={caller} colourKey={ringing.callerId} size={88} />
        </div>
        <h2>{caller}</h2>
        <p class="muted">Incoming {ringing.type} call…</p>
        <div class="call-actions">
          <button type="button" class="round danger" aria-label="Decline" onClick={() => void calls.reject()}>
            <span class="hang">
              <PhoneIcon />
            </span>
          </button>
          <button type="button" class="round success" aria-label="Accept" onClick={() => void calls.accept()}>
            <PhoneIcon />
          </button>
        </div>
      </div>
    </div>
  );
}

/** The other side's video, full size, and this device's camera as a small picture in the corner. */
function VideoTiles({ remote, camera, peer }: { remote: boolean; camera: boolean; peer: string }) {
  const remoteRef = useRef<HTMLVideoElement | null>(null);
  const selfRef = useRef<HTMLVideoElement | null>(null);
  useEffect(() => {
    if (remoteRef.current && remoteRef.current.srcObject !== calls.remoteStream) remoteRef.current.srcObject = calls.remoteStream;
    if (selfRef.current) selfRef.current.srcObject = camera ? calls.cameraStream : null;
  }, [remote, camera]);
  return (
    <div class="video-tiles">
      {/* The sound plays through the call's audio element: the tiles are muted. */}
      <video
        ref={remoteRef}
        class={remote ? "remote-video" : "remote-video hidden"}
        autoplay
        playsinline
        muted
        aria-label={`${peer}'s video`}
        data-testid="remote-video"
      />
      {camera && <video ref={selfRef} class="self-video" autoplay playsinline muted aria-label="Your camera" data-testid="self-video" />}
    </div>
  );
}

export function ActiveCall() {
  const { call, me } = useAppState();
  const [, setNow] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!call) return null;
  const peerId = call.role === "caller" ? call.call.calleeId : call.call.callerId;
  const peer = personLabel(peerId, me);
  const status =
    call.phase === "ended"
      ? call.endedText
      : call.phase === "calling" && call.call.status === "ringing"
        ? "Ringing…"
        : call.phase === "connected" && call.connectedAt
          ? duration((Date.now() - call.connectedAt) / 1000)
          : (ICE_TEXT[call.ice] ?? "Connecting…");
  const video = call.phase !== "ended" && (call.remoteVideo || call.camera);
  return (
    <div
      class={`call-screen active ${call.phase}${video ? " with-video" : ""}`}
      role="dialog"
      aria-label="Call"
      data-testid="active-call"
      data-phase={call.phase}
      data-ice={call.ice}
    >
      {video && <VideoTiles remote={call.remoteVideo} camera={call.camera} peer={peer} />}
      <div class="call-card">
        {!call.remoteVideo && <Avatar label={peer} colourKey={peerId} size={88} />}
        <h2>{peer}</h2>
        <p class="call-status" data-testid="call-status">
          {status}
        </p>
        {call.phase !== "ended" && (
          <p class="muted small connection">
            <span class={`dot ${call.ice === "connected" || call.ice === "completed" ? "good" : "wait"}`} /> {ICE_TEXT[call.ice] ?? call.ice}
          </p>
        )}
        {call.phase === "ended" ? (
          <div class="call-actions">
            <button type="button" class="secondary" onClick={() => calls.dismiss()}>
              Close
            </button>
          </div>
        ) : (
          <CallControls
            muted={call.muted}
            camera={call.camera}
            onMute={() => calls.toggleMute()}
            onCamera={() => void calls.toggleCamera()}
            end={{
              label: "Hang up",
              icon: (
                <span class="hang">
                  <PhoneIcon />
                </span>
              ),
              onEnd: () => void calls.hangUp(),
            }}
          />
        )}
      </div>
    </div>
  );
}

const STATUS_TEXT: Record<string, string> = {
  ended: "Answered",
  missed: "Missed",
  rejected: "Declined",
  busy: "Busy",
  ringing: "Ringing",
  answered: "In progress",
};

export function CallHistory() {
  const { me, call } = useAppState();
  const [items, setItems] = useState<Call[] | null>(null);
  useEffect(() => {
    if (call && call.phase !== "ended") return;
    void ok(platform.api.v1.calls.history.$get({ query: { limit: "50" } })).then(
      (page) => setItems(page.items as Call[]),
      () => setItems([]),
    );
  }, [call?.phase]);
  return (
    <section class="calls-view" aria-label="Calls">
      <header class="chat-header">
        <button type="button" class="icon-button back" aria-label="Back to chats" onClick={() => navigate({ name: "chats" })}>
          ‹
        </button>
        <div class="chat-header-text">
          <h2>Calls</h2>
        </div>
      </header>
      {items === null ? (
        <p class="empty">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">No calls yet.</p>
      ) : (
        <ul class="call-list">
          {items.map((item) => {
            const outgoing = item.callerId === me?.id;
            const peerId = outgoing ? item.calleeId : item.callerId;
            const peer = personLabel(peerId, me);
            const missed = item.status === "missed" && !outgoing;
            return (
              <li key={item.id} class="call-item" data-testid="call-history-item" data-status={item.status}>
                <Avatar label={peer} colourKey={peerId} />
                <span class="chat-item-body">
                  <span class="chat-item-top">
                    <span class={missed ? "chat-item-title missed" : "chat-item-title"}>{peer}</span>
                    <time class="chat-item-time">{listTime(item.createdAt)}</time>
                  </span>
                  <span class="chat-item-preview">
                    {outgoing ? "↗ Outgoing" : "↙ Incoming"} · {STATUS_TEXT[item.status] ?? item.status}
                    {item.durationSeconds ? ` · ${duration(item.durationSeconds)}` : ""}
                  </span>
                </span>
                <button type="button" class="icon-button call" aria-label={`Call ${peer}`} disabled={call !== null} onClick={() => void calls.place(peerId)}>
                  <PhoneIcon />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
