// One picture: large, with its owner, description, tags, likes; for its owner sharing and editing,
// and delete for its owner and moderators.
import { useEffect, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { moderates } from "../moderation";
import { platform } from "../platform";
import { navigate } from "../router";
import { useAppState } from "../store";
import { ConfirmDialog } from "./confirm-dialog";
import { EditImageForm } from "./edit-image";
import type { GalleryImage } from "./model";
import { ResponsiveImage } from "./responsive-image";
import { ShareControl } from "./share-control";
import { dayOf } from "../format";
import { ProblemNote } from "../problem-note";

export function ImagePage({ imageId }: { imageId: string }) {
  const { me } = useAppState();
  const [image, setImage] = useState<GalleryImage | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [liking, setLiking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    setImage(null);
    setMissing(false);
    ok(platform.api.v1.images[":id"].$get({ param: { id: imageId } })).then(
      (found) => {
        setImage(found);
        document.title = `${found.title} · Gallery`;
      },
      (caught: unknown) => (caught instanceof ProblemError && caught.status === 404 ? setMissing(true) : setError("Could not load the picture")),
    );
  }, [imageId]);

  if (missing)
    return (
      <section class="empty-state">
        <h1>No such picture</h1>
        <p class="muted">It is private, it was removed, or the link is wrong.</p>
        <a class="button-link" href="/app/gallery">
          Back to the gallery
        </a>
      </section>
    );
  if (!image) return <p class="muted">{error ?? "Loading…"}</p>;

  const toggleLike = async () => {
    setLiking(true);
    try {
      const id = { param: { id: image.id } };
      const changed = await ok(image.likedByMe ? platform.api.v1.images[":id"].like.$delete(id) : platform.api.v1.images[":id"].like.$put(id));
      setImage(changed);
    } catch {
      setError("Could not change your like");
    } finally {
      setLiking(false);
    }
  };
  const owns = me?.id === image.owner.id;
  const mayDelete = me && (owns || moderates(me));

  return (
    <article class="image-page" data-testid="image-page">
      <a class="back-link" href="/app/gallery">
        ← Gallery
      </a>
      <ResponsiveImage image={image} sizes="(max-width: 720px) 100vw, min(900px, calc(100vw - 140px))" eager />
      {editing ? (
        <EditImageForm
          image={image}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setImage(saved);
            setEditing(false);
            document.title = `${saved.title} · Gallery`;
          }}
        />
      ) : (
        <div class="image-page-text">
          <header class="row between">
            <div>
              <h1>{image.title}</h1>
              <p class="muted small">
                by {image.owner.displayName} · {dayOf(image.createdAt)}
                {image.width && image.height ? ` · ${image.width} × ${image.height}` : ""}
              </p>
            </div>
            <div class="row">
              <button
                type="button"
                class={image.likedByMe ? "like-button liked" : "like-button"}
                aria-pressed={image.likedByMe ? "true" : "false"}
                disabled={liking}
                onClick={() => void toggleLike()}
                data-testid="like-button"
              >
                <span aria-hidden="true">{image.likedByMe ? "♥" : "♡"}</span> {image.likedByMe ? "Liked" : "Like"}
                <span class="like-count" data-testid="like-count">
                  {image.likeCount}
                </span>
              </button>
              {owns && (
                <button type="button" class="secondary" onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
              {mayDelete && (
                <button type="button" class="secondary danger-text" onClick={() => setConfirming(true)}>
                  Delete
                </button>
              )}
            </div>
          </header>
          {image.description && <p class="image-description">{image.description}</p>}
          {image.tags.length > 0 && (
            <ul class="tag-list" aria-label="Tags">
              {image.tags.map((tag) => (
                <li key={tag}>
                  <a class="tag" href={`/app/gallery/tags/${encodeURIComponent(tag)}`}>
                    #{tag}
                  </a>
                </li>
              ))}
            </ul>
          )}
          <ProblemNote text={error} />
        </div>
      )}
      {owns && <ShareControl image={image} onChange={setImage} />}
      {confirming && (
        <ConfirmDialog
          title="Delete this picture?"
          text={`“${image.title}” leaves the gallery, with its likes. This cannot be undone.`}
          confirmLabel="Delete"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await ok(platform.api.v1.images[":id"].$delete({ param: { id: image.id } }));
            navigate(me?.id === image.owner.id ? "/app/gallery/mine" : "/app/gallery");
          }}
        />
      )}
    </article>
  );
}
