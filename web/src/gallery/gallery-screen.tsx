// The gallery section: /app/gallery (newest), /app/gallery/tags/:tag, /app/gallery/mine and
// /app/gallery/images/:id.
import { useEffect } from "hono/jsx/dom";
import { navigate } from "../router";
import { SectionTabs } from "../section-tabs";
import { useAppState } from "../store";
import { ImageGrid } from "./image-grid";
import { ImagePage } from "./image-page";
import { cleanTag, feedPage, type GalleryImage, sameImage, userImagesPage } from "./model";
import { usePagedList } from "./paged-list";
import { UploadPanel } from "./upload-panel";

type View = { name: "feed"; tag?: string } | { name: "mine" } | { name: "image"; id: string };

function viewOf(rest: string[]): View {
  const [first, second] = rest;
  if (first === "images" && second) return { name: "image", id: second };
  if (first === "tags" && second) return { name: "feed", tag: second };
  if (first === "mine") return { name: "mine" };
  return { name: "feed" };
}

export function GalleryScreen({ rest }: { rest: string[] }) {
  const view = viewOf(rest);
  if (view.name === "image")
    return (
      <div class="section-page gallery">
        <ImagePage key={view.id} imageId={view.id} />
      </div>
    );
  return <GalleryLists view={view} />;
}

function GalleryLists({ view }: { view: { name: "feed"; tag?: string } | { name: "mine" } }) {
  const { me } = useAppState();
  const key = view.name === "mine" ? `mine:${me?.id}` : `feed:${view.tag ?? ""}`;
  const list = usePagedList<GalleryImage>(key, (cursor) => (view.name === "mine" ? userImagesPage(me!.id, cursor) : feedPage(view.tag, cursor)));
  useEffect(() => {
    document.title = view.name === "mine" ? "My pictures · Gallery" : view.tag ? `#${view.tag} · Gallery` : "Gallery";
  }, [key]);
  const findTag = (event: Event) => {
    event.preventDefault();
    const tag = cleanTag(String(new FormData(event.target as HTMLFormElement).get("tag") ?? ""));
    navigate(tag ? `/app/gallery/tags/${encodeURIComponent(tag)}` : "/app/gallery");
  };
  return (
    <div class="section-page gallery">
      <header class="section-header">
        <h1>{view.name === "feed" && view.tag ? `#${view.tag}` : "Gallery"}</h1>
        <SectionTabs
          label="Gallery views"
          tabs={[
            { href: "/app/gallery", label: "Newest", current: view.name === "feed" && !view.tag },
            { href: "/app/gallery/mine", label: "My pictures", current: view.name === "mine" },
          ]}
        />
        <form class="tag-search" aria-label="Find a tag" onSubmit={findTag}>
          <input name="tag" aria-label="Find a tag" placeholder="Find a tag" value={view.name === "feed" ? (view.tag ?? "") : ""} />
          <button type="submit" class="secondary small">
            Find
          </button>
        </form>
      </header>
      <UploadPanel
        onPublished={(image) => {
          // Shown where it belongs at once: the newest list, mine, and a tag it carries.
          if (view.name === "mine" || !view.tag || image.tags.includes(view.tag)) list.prepend([image]);
        }}
      />
      <ImageGrid
        list={{ ...list, items: dedupe(list.items) }}
        empty={view.name === "mine" ? "You have no pictures in the gallery yet." : view.tag ? `Nothing tagged #${view.tag} yet.` : "The gallery is empty."}
      />
    </div>
  );
}

/** A picture published here and then read again in a page shows once. */
function dedupe(images: GalleryImage[]): GalleryImage[] {
  return images.filter((image, index) => images.findIndex((other) => sameImage(other, image)) === index);
}
