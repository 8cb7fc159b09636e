// A gallery picture at the size the layout needs: `srcset` from the variants the API offers (each
// with the width it really has) and `sizes` from the layout, so the browser fetches no more pixels
// than it shows. Until it has loaded, the smallest variant, blurred, holds its place at the right
// shape.
import { useState } from "hono/jsx/dom";
import type { GalleryImage } from "./model";

/** `cell`: the layout gives every picture one shape (a grid); otherwise the box takes the picture's own. */
export function ResponsiveImage({ image, sizes, eager = false, cell = false }: { image: GalleryImage; sizes: string; eager?: boolean; cell?: boolean }) {
  const [loaded, setLoaded] = useState(false);
  const variants = image.variants;
  const placeholder = variants[0];
  // The placeholder itself is no candidate: at 32 px it would only ever be chosen for a thumbnail.
  const candidates = variants.length > 1 ? variants.slice(1) : variants;
  const largest = candidates[candidates.length - 1];
  const fallback = `/v1/files/${encodeURIComponent(image.file.id)}/content`;
  const width = image.width ?? largest?.width;
  const height = image.height ?? largest?.height;
  return (
    <div class={loaded ? "picture loaded" : "picture"} style={width && height && !cell ? { aspectRatio: `${width} / ${height}` } : {}}>
      {placeholder && !loaded && <span class="picture-placeholder" style={{ backgroundImage: `url("${placeholder.url}")` }} aria-hidden="true" />}
      <img
        src={largest?.url ?? fallback}
        srcset={candidates.length > 0 ? candidates.map((v) => `${v.url} ${v.width}w`).join(", ") : undefined}
        sizes={candidates.length > 0 ? sizes : undefined}
        alt={image.description ? `${image.title}: ${image.description}` : image.title}
        width={width}
        height={height}
        loading={eager ? "eager" : "lazy"}
        decoding="async"
        onLoad={() => setLoaded(true)}
        data-testid="gallery-img"
      />
    </div>
  );
}
