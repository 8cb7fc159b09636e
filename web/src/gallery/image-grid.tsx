// A grid of gallery pictures, each a link to its page, with its title, owner and likes.
import { LoadMore, type PagedList } from "./paged-list";
import type { GalleryImage } from "./model";
import { ResponsiveImage } from "./responsive-image";

/** The grid's cells are about 260 CSS pixels wide on a wide window, and half the width on a phone. */
export const GRID_SIZES = "(max-width: 720px) calc(50vw - 18px), 280px";

export function ImageGrid({ list, empty }: { list: PagedList<GalleryImage>; empty: string }) {
  if (list.items.length === 0 && list.done) return <p class="empty-state muted">{empty}</p>;
  return (
    <>
      <ul class="image-grid" aria-label="Pictures">
        {list.items.map((image, index) => (
          <li key={image.id} data-testid="gallery-item" data-image-id={image.id}>
            <a class="image-card" href={`/app/gallery/images/${image.id}`}>
              <ResponsiveImage image={image} sizes={GRID_SIZES} eager={index < 8} cell />
              <span class="image-card-text">
                <span class="image-card-title">
                  {image.visibility === "private" && <span class="private-badge">Private</span>}
                  {image.title}
                </span>
                <span class="muted small">
                  {image.owner.displayName} · <span aria-label={`${image.likeCount} likes`}>♥ {image.likeCount}</span>
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </>
  );
}
