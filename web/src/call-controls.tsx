// The controls of a call, two-party or group: mute, camera and the red button that ends it for
// this person, and the icons they and the call screens draw.
import type { Child } from "hono/jsx";

/** A control's 26 px icon drawn from `d`, struck through by `strike` while `off`. */
function StruckIcon({ d, strike, off }: { d: string; strike: string; off: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
      <path fill="currentColor" d={d} />
      {off && <path stroke="currentColor" stroke-width="2.2" stroke-linecap="round" d={strike} />}
    </svg>
  );
}

export function MicIcon({ off }: { off: boolean }) {
  return (
    <StruckIcon
      off={off}
      strike="M4 4l16 16"
      d="M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2Z"
    />
  );
}

export function CameraIcon({ off }: { off: boolean }) {
  return <StruckIcon off={off} strike="M3 3l18 18" d="M15 8.5V7a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h9a2 2 0 0 0 2-2v-1.5l5 3.5V5l-5 3.5Z" />;
}

/**
 * Mute, camera (left out when `camera` is null: a voice call) and the end button. The labels say
 * what a press does ("Unmute", "Turn camera on"), so screen readers and tests find them by it.
 */
export function CallControls({
  muted,
  camera,
  onMute,
  onCamera,
  end,
}: {
  muted: boolean;
  camera: boolean | null;
  onMute: () => void;
  onCamera: () => void;
  end: { label: string; icon: Child; onEnd: () => void };
}) {
  return (
    <div class="call-actions">
      <button
        type="button"
        class={muted ? "round toggled" : "round neutral"}
        aria-pressed={muted ? "true" : "false"}
        aria-label={muted ? "Unmute" : "Mute"}
        onClick={onMute}
      >
        <MicIcon off={muted} />
      </button>
      {camera !== null && (
        <button
          type="button"
          class={camera ? "round neutral" : "round toggled"}
          aria-pressed={!camera ? "true" : "false"}
          aria-label={camera ? "Turn camera off" : "Turn camera on"}
          onClick={onCamera}
        >
          <CameraIcon off={!camera} />
        </button>
      )}
      <button type="button" class="round danger" aria-label={end.label} onClick={end.onEnd}>
        {end.icon}
      </button>
    </div>
  );
}

/** Says that the call's sound and pictures are sealed on this device and opened only on the other members' devices. */
export function EncryptedMark() {
  return (
    <p class="e2ee-mark" data-testid="e2ee-mark" title="Sound and video are locked on your device and unlocked only on the devices in this chat.">
      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5Zm-3 8V7a3 3 0 0 1 6 0v3H9Z"
        />
      </svg>
      End-to-end encrypted
    </p>
  );
}
