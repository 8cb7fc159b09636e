import { useEffect, useRef, useState } from "hono/jsx/dom";
import { type Call, ok } from "../../client";
import { calls } from "./call-controller";
import { Avatar, ChatKind } from "./chat-list";
import { CallControls, EncryptedMark } from "./call-controls";
import { PhoneIcon } from "./chat-view";
import { duration, listTime, personLabel } from "./format";
import { CallsPicture, TroublePicture } from "./illustrations";
import { platform } from "./platform";
import { problemText } from "./problem-text";
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
        {call.encrypted && call.phase !== "ended" && <EncryptedMark />}
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

type HistoryItem = (Call & { kind?: "direct" }) | GroupCallHistoryItem;
type GroupCallHistoryItem = {
  id: string;
  kind: "group";
  chatId: string;
  chatTitle: string | null;
  chatType: "general" | "direct" | "group" | null;
  type: "voice" | "video";
  status: "active" | "ended";
  createdAt: string;
  people: { userId: string; displayName: string | null }[];
  ownSeconds: number | null;
};

/** Both histories' first pages, two-party and group calls, newest first. */
async function loadHistory(): Promise<HistoryItem[]> {
  const [direct, group] = await Promise.all([
    ok(platform.api.v1.calls.history.$get({ query: { limit: "50" } })),
    ok(platform.api.v1["group-calls"].history.$get({ query: { limit: "50" } })),
  ]);
  const items: HistoryItem[] = [...(direct.items as Call[]), ...(group.items as GroupCallHistoryItem[])];
  return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 50);
}

export function CallHistory() {
  const { call } = useAppState();
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (call && call.phase !== "ended") return;
    void loadHistory().then(
      (loaded) => {
        setItems(loaded);
        setFailed(null);
      },
      (error) => {
        setItems([]);
        setFailed(problemText(error, "Could not load your calls. Check the connection and try again."));
      },
    );
  }, [call?.phase]);
  const remove = async (item: HistoryItem) => {
    try {
      if (item.kind === "group") await ok(platform.api.v1["group-calls"][":id"].$delete({ param: { id: item.id } }));
      else await ok(platform.api.v1.calls[":id"].$delete({ param: { id: item.id } }));
      setItems((current) => (current ?? []).filter((other) => other.id !== item.id));
    } catch (error) {
      setFailed(problemText(error, "Could not remove the call. Try again."));
    }
  };
  return (
    <section class="calls-view" aria-label="Calls">
      {/* No way back here: Calls is a section of its own in the navigation, beside Chats. */}
      <header class="chat-header">
        <div class="chat-header-text">
          <h2>Calls</h2>
        </div>
      </header>
      {failed && (
        <p class="banner" role="alert" data-testid="calls-error">
          {failed}
        </p>
      )}
      {items === null ? (
        <p class="empty">Loading…</p>
      ) : items.length === 0 ? (
        <div class="empty-block" data-testid="calls-empty">
          {failed ? <TroublePicture /> : <CallsPicture />}
          <p>{failed ? "Your calls could not be shown." : "No calls yet. Calls you make and get, with one person or a group, appear here."}</p>
        </div>
      ) : (
        <ul class="call-list">
          {items.map((item) =>
            item.kind === "group" ? (
              <GroupHistoryRow key={item.id} item={item} onRemove={remove} />
            ) : (
              <DirectHistoryRow key={item.id} item={item} onRemove={remove} />
            ),
          )}
        </ul>
      )}
    </section>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="icon-button remove-call" aria-label={label} title="Remove from history" onClick={onClick} data-testid="call-remove">
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <path
          d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </svg>
    </button>
  );
}

function DirectHistoryRow({ item, onRemove }: { item: Call; onRemove: (item: HistoryItem) => void }) {
  const { me, call } = useAppState();
  const outgoing = item.callerId === me?.id;
  const peerId = outgoing ? item.calleeId : item.callerId;
  const peer = personLabel(peerId, me);
  const missed = item.status === "missed" && !outgoing;
  const active = item.status === "ringing" || item.status === "answered";
  return (
    <li class="call-item" data-testid="call-history-item" data-kind="direct" data-status={item.status}>
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
      {!active && <RemoveButton label={`Remove the call with ${peer} from your history`} onClick={() => onRemove(item)} />}
      <button type="button" class="icon-button call" aria-label={`Call ${peer}`} disabled={call !== null} onClick={() => void calls.place(peerId)}>
        <PhoneIcon />
      </button>
    </li>
  );
}

function GroupHistoryRow({ item, onRemove }: { item: GroupCallHistoryItem; onRemove: (item: HistoryItem) => void }) {
  const { me } = useAppState();
  const title = item.chatTitle ?? (item.chatType === "general" ? "Everyone" : item.chatType === null ? "A deleted group" : "Group");
  const others = item.people.filter((p) => p.userId !== me?.id).map((p) => p.displayName ?? "Deleted account");
  const withWhom = others.length === 0 ? "Nobody else joined" : `With ${others.join(", ")}`;
  return (
    <li class="call-item" data-testid="call-history-item" data-kind="group" data-status={item.status}>
      <Avatar label={title} colourKey={item.chatId} />
      <span class="chat-item-body">
        <span class="chat-item-top">
          <ChatKind type={item.chatType ?? "group"} />
          <span class="chat-item-title">{title}</span>
          <time class="chat-item-time">{listTime(item.createdAt)}</time>
        </span>
        <span class="chat-item-preview">
          {item.type === "video" ? "Group video call" : "Group voice call"}
          {item.status === "active" ? " · In progress" : item.ownSeconds ? ` · ${duration(item.ownSeconds)}` : ""} · {withWhom}
        </span>
      </span>
      {item.status !== "active" && <RemoveButton label={`Remove the group call in ${title} from your history`} onClick={() => onRemove(item)} />}
      {item.chatType !== null && (
        <a class="icon-button call" href={`/app/chats/${encodeURIComponent(item.chatId)}`} aria-label={`Open ${title}`}>
          <ChatBubbleIcon />
        </a>
      )}
    </li>
  );
}

function ChatBubbleIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
    </svg>
  );
}
