// The owner's share control on a picture: who sees it (public or private) and, while public, the
// link to its public page (/pictures/:id, which works signed out) to copy and hand out.
import { useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { CopyButton } from "../copy-button";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import type { GalleryImage } from "./model";
import { ProblemNote } from "../problem-note";

/** The web page anyone can open, not the API's address. */
export const picturePageUrl = (imageId: string) => `${location.origin}/pictures/${encodeURIComponent(imageId)}`;

export function ShareControl({ image, onChange }: { image: GalleryImage; onChange: (image: GalleryImage) => void }) {
  const [working, setWorking] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isPublic = image.visibility === "public";
  const link = picturePageUrl(image.id);

  const setVisibility = async (visibility: "public" | "private") => {
    setWorking(true);
    setError(null);
    setCopied(false);
    try {
      onChange(await ok(platform.api.v1.images[":id"].$patch({ param: { id: image.id }, json: { visibility } })));
    } catch (caught) {
      setError(problemText(caught, "Who sees the picture did not change. Try again."));
    } finally {
      setWorking(false);
    }
  };

  return (
    <section class="share-control" aria-label="Sharing" data-testid="share-control">
      <div class="row between share-row">
        <p class="share-state">
          <strong>{isPublic ? "Public" : "Private"}</strong>
          <span class="muted small">
            {isPublic ? " · in the gallery; anyone with the link sees it" : " · only you see it; its link shows “no such picture”"}
          </span>
        </p>
        <button type="button" class="secondary small" disabled={working} onClick={() => void setVisibility(isPublic ? "private" : "public")}>
          {working ? "Saving…" : isPublic ? "Make private" : "Make public"}
        </button>
      </div>
      {isPublic && (
        <div class="share-link row">
          <input readonly value={link} aria-label="Link to the picture" onFocus={(e: Event) => (e.target as HTMLInputElement).select()} />
          <CopyButton text={link} label="Copy link" className="primary small" onCopied={() => setCopied(true)} />
        </div>
      )}
      <p class="muted small" role="status">
        {copied ? "Link copied: anyone who opens it sees the picture, signed in or not." : ""}
      </p>
      <ProblemNote text={error} />
    </section>
  );
}
