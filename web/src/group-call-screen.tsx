// The group call screen: a grid of tiles (name, mute state, who is speaking), mute, camera and
// leave; the ring of a group call started on one of the user's chats; the chat header's button.
import { useEffect, useRef } from "hono/jsx/dom";
import type { Chat } from "../../client";
import { CallControls, CameraIcon, EncryptedMark, MicIcon } from "./call-controls";
import { Avatar } from "./chat-list";
import { chatTitle, personLabel } from "./format";
import { type GroupTile, groupCalls } from "./group-call-controller";
import { useAppState } from "./store";

function LeaveIcon() {
  return (
    <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
      <path
        fill="currentColor"
        d="M12 9c-1.6 0-3.1.3-4.6.8v3.1c0 .4-.2.7-.6.9-1 .5-1.9 1.1-2.7 1.8-.2.2-.4.3-.7.3s-.5-.1-.7-.3L.3 13.2a1 1 0 0 1 0-1.4C3.3 9 7.5 7.3 12 7.3s8.7 1.7 11.7 4.5a1 1 0 0 1 0 1.4l-2.4 2.4c-.2.2-.4.3-.7.3s-.5-.1-.7-.3c-.8-.7-1.7-1.3-2.7-1.8-.3-.2-.6-.5-.6-.9V9.8C15.1 9.3 13.6 9 12 9Z"
      />
    </svg>
  );
}

/** One participant: their video (or their initials), name, and whether they are muted or speaking. */
function Tile({ tile, withVideo }: { tile: GroupTile; withVideo: boolean }) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const tileRef = useRef<HTMLElement | null>(null);
  const stream = groupCalls.streamOf(tile.userId);
  // On an SFU call only tiles on screen get their video pulled, in the layer their width needs.
  useEffect(() => {
    const element = tileRef.current;
    if (!element || tile.self || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) groupCalls.tileVisible(tile.userId, entry.isIntersecting ? entry.boundingClientRect.width : null);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      groupCalls.tileVisible(tile.userId, null);
    };
  }, [tile.userId, tile.self]);
  const tracks = stream?.getTracks().length ?? 0;
  useEffect(() => {
    const element = videoRef.current;
    if (element && element.srcObject !== stream) {
      element.srcObject = stream;
      void element.play().catch(() => undefined);
    }
  }, [stream, tracks]);
  const showVideo = withVideo && tile.video;
  return (
    <figure
      ref={tileRef}
      class={`group-tile${tile.speaking ? " speaking" : ""}`}
      data-testid="group-tile"
      data-user-id={tile.userId}
      data-speaking={tile.speaking ? "true" : "false"}
      data-muted={tile.audio ? "false" : "true"}
    >
      {/* Others' sound plays through their tile; one's own tile is muted so nobody hears themself. */}
      <video
        ref={videoRef}
        class={showVideo ? `tile-video${tile.self ? " self" : ""}` : "tile-video hidden"}
        autoplay
        playsinline
        muted={tile.self}
        aria-label={tile.self ? "Your camera" : `${tile.name}'s video`}
      />
      {!showVideo && (
        <div class="tile-avatar">
          <Avatar label={tile.name} colourKey={tile.userId} size={72} />
        </div>
      )}
      <figcaption class="tile-name">
        {!tile.audio && (
          <span class="tile-muted" role="img" aria-label="muted">
            <MicIcon off />
          </span>
        )}
        {tile.self ? `${tile.name} (you)` : tile.name}
      </figcaption>
    </figure>
  );
}

export function GroupCallScreen() {
  const { groupCall, chats, me } = useAppState();
  if (!groupCall) return null;
  const chat = chats.find((c) => c.id === groupCall.call.chatId);
  const title = chat ? chatTitle(chat, me) : "Group call";
  const video = groupCall.call.type === "video";
  const count = groupCall.tiles.length;
  return (
    <div
      class={`call-screen group-call ${groupCall.phase}`}
      role="dialog"
      aria-label={`Group call: ${title}`}
      data-testid="group-call"
      data-phase={groupCall.phase}
    >
      <header class="group-call-header">
        <h2>{title}</h2>
        <p class="muted small" data-testid="group-call-status">
          {groupCall.phase === "ended"
            ? groupCall.endedText
            : groupCall.phase === "joining"
              ? "Joining…"
              : `${count} ${count === 1 ? "person" : "people"} in the call`}
        </p>
        {groupCall.encrypted && groupCall.phase !== "ended" && <EncryptedMark />}
      </header>
      {groupCall.phase !== "ended" && (
        <div class={`group-grid n${Math.min(count, 4)}${count > 4 ? " many" : ""}`}>
          {groupCall.tiles.map((tile) => (
            <Tile key={tile.userId} tile={tile} withVideo={video} />
          ))}
        </div>
      )}
      {groupCall.phase === "ended" ? (
        <div class="call-actions">
          <button type="button" class="secondary" onClick={() => groupCalls.dismiss()}>
            Close
          </button>
        </div>
      ) : (
        <CallControls
          muted={groupCall.muted}
          camera={video ? groupCall.camera : null}
          onMute={() => groupCalls.toggleMute()}
          onCamera={() => groupCalls.toggleCamera()}
          end={{ label: "Leave call", icon: <LeaveIcon />, onEnd: () => void groupCalls.leave() }}
        />
      )}
    </div>
  );
}

/** A member started a call on one of this user's chats: it rings here until they join or dismiss it. */
export function GroupCallRinging() {
  const { groupRinging, groupCall, chats, me } = useAppState();
  if (!groupRinging || groupCall) return null;
  const chat = chats.find((c) => c.id === groupRinging.chatId);
  // The starter is rarely in the call yet when it rings: their name comes from the people this tab knows (or looks up).
  const starter = groupRinging.participants.find((p) => p.userId === groupRinging.startedBy)?.displayName ?? personLabel(groupRinging.startedBy, me);
  return (
    <div class="group-ring" role="alertdialog" aria-label="Incoming group call" data-testid="group-ringing">
      <p>
        <strong>{chat ? chatTitle(chat, me) : "A group"}</strong>
        <span class="muted small">
          {" "}
          · {starter} started a {groupRinging.type} call
        </span>
      </p>
      <div class="group-ring-actions">
        <button type="button" class="secondary small" onClick={() => groupCalls.dismissRing()}>
          Dismiss
        </button>
        <button type="button" class="primary small" onClick={() => void groupCalls.join(groupRinging)}>
          Join
        </button>
      </div>
    </div>
  );
}

/** The chat header's call button on a group chat or the general chat: start a call, or join the running one. */
export function GroupCallButton({ chat }: { chat: Chat }) {
  const { groupCall, call, me } = useAppState();
  const running = chat.activeCall ?? null;
  const busy = groupCall !== null || call !== null;
  // The general chat is every account: by default (GENERAL_CHAT_CALLS) only moderators start its call; anyone joins one.
  if (!running && chat.type === "general" && me?.role !== "moderator" && me?.role !== "admin") return null;
  if (running) {
    const names = running.participants.map((p) => p.displayName);
    return (
      <button
        type="button"
        class="primary small join-call"
        data-testid="join-group-call"
        // The name starts with what the button shows ("Join call · 2"), then who is in it.
        aria-label={names.length > 0 ? `Join call · ${names.length}: ${names.join(", ")}` : undefined}
        title={names.length > 0 ? `In the call: ${names.join(", ")}` : "A call is ringing"}
        disabled={busy}
        onClick={() => void groupCalls.start(chat.id, running.type)}
      >
        <CameraIcon off={false} />
        <span class="join-text">Join call</span>
        {names.length > 0 ? ` · ${names.length}` : ""}
      </button>
    );
  }
  return (
    <button
      type="button"
      class="icon-button call"
      aria-label="Start a group video call"
      title="Start a group video call"
      data-testid="start-group-call"
      disabled={busy}
      onClick={() => void groupCalls.start(chat.id, "video")}
    >
      <CameraIcon off={false} />
    </button>
  );
}
