// A video's status as its owner reads it: a coloured label, the progress while it encodes, and the
// reason when a moderator rejected it or processing failed.
import { type Video, statusOf } from "./model";

export function StatusBadge({ video }: { video: Video }) {
  const status = statusOf(video);
  return (
    <div class="video-status" data-testid="video-status" data-status={video.status}>
      <span class={`status-pill ${status.tone}`}>{status.label}</span>
      {video.status === "processing" && video.processingPercent !== null && (
        <span class="progress" role="progressbar" aria-label="Processing" aria-valuemin={0} aria-valuemax={100} aria-valuenow={video.processingPercent}>
          <span style={{ width: `${video.processingPercent}%` }} />
        </span>
      )}
      {status.detail && (
        <p class="status-reason" data-testid="status-reason">
          {status.detail}
        </p>
      )}
      {video.revision && <p class="muted small">Your changes are waiting for a moderator; viewers see the approved version meanwhile.</p>}
      {!video.revision && video.revisionRejectionReason && (
        <p class="status-reason" data-testid="revision-reason">
          Your changes were not accepted: {video.revisionRejectionReason}
        </p>
      )}
    </div>
  );
}
