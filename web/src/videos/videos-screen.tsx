// The videos section: /app/videos (my videos with their status, live, and the upload form),
// /app/videos/browse (everyone's; /browse/tags/:tag by tag, /browse/search/:text by words of the
// title and a #tag, so a search survives a reload and can be shared), /app/videos/:id (the player
// page) and /app/videos/:id/edit.
import { useEffect } from "hono/jsx/dom";
import type { JSX } from "hono/jsx/dom/jsx-runtime";
import { LoadMore, usePagedList } from "../gallery/paged-list";
import { EditVideo } from "./edit-video";
import { useVideoUpdates } from "./live";
import { navigate } from "../router";
import { SectionTabs } from "../section-tabs";
import { myVideosPage, parseVideoSearch, publicVideosPage, type Video, type VideoSearch } from "./model";
import { UploadVideoForm } from "./upload-form";
import { VideoCard } from "./video-card";
import { VideoPage } from "./video-page";

export function VideosScreen({ rest }: { rest: string[] }) {
  const [first, second, third] = rest;
  let body: JSX.Element;
  if (first === undefined) body = <MyVideos />;
  else if (first === "browse") {
    const text = second === "tags" && third ? `#${third}` : second === "search" && third ? third : "";
    body = <BrowseVideos key={text} text={text} />;
  } else if (second === "edit") body = <EditVideo key={first} videoId={first} />;
  else body = <VideoPage key={first} videoId={first} />;
  return <div class="section-page videos">{body}</div>;
}

function VideosHeader({ active, title }: { active: "mine" | "browse"; title: string }) {
  return (
    <header class="section-header">
      <h1>{title}</h1>
      <SectionTabs
        label="Video lists"
        tabs={[
          { href: "/app/videos", label: "My videos", current: active === "mine" },
          { href: "/app/videos/browse", label: "Browse", current: active === "browse" },
        ]}
      />
    </header>
  );
}

function MyVideos() {
  const list = usePagedList<Video>("mine", myVideosPage);
  useEffect(() => {
    document.title = "My videos";
  }, []);
  // Status changes arrive on the hub: Stream's progress, the moderator's decision, a scheduled publication.
  // Frames can overtake each other and the upload's own answer: the most recently changed version wins.
  const take = (video: Video) =>
    list.upsert(
      video,
      (a, b) => a.id === b.id,
      (old) => old.updatedAt > video.updatedAt,
    );
  useVideoUpdates(take);
  return (
    <>
      <VideosHeader active="mine" title="My videos" />
      <UploadVideoForm onUploaded={take} />
      {list.items.length === 0 && list.done ? (
        <p class="empty-state muted">No videos yet. Upload one above.</p>
      ) : (
        <ul class="video-grid" aria-label="My videos">
          {dedupe(list.items).map((video) => (
            <VideoCard key={video.id} video={video} owner />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </>
  );
}

function BrowseVideos({ text }: { text: string }) {
  const search: VideoSearch = parseVideoSearch(text);
  const list = usePagedList<Video>(`browse:${text}`, (cursor) => publicVideosPage(search, cursor));
  useEffect(() => {
    document.title = text ? `${text} · Videos` : "Videos";
  }, [text]);
  const find = (event: Event) => {
    event.preventDefault();
    const typed = String(new FormData(event.target as HTMLFormElement).get("search") ?? "").trim();
    const only = parseVideoSearch(typed);
    if (!typed) navigate("/app/videos/browse");
    else if (only.tag && !only.words) navigate(`/app/videos/browse/tags/${encodeURIComponent(only.tag)}`);
    else navigate(`/app/videos/browse/search/${encodeURIComponent(typed)}`);
  };
  const title = search.words
    ? `Videos matching “${search.words}”${search.tag ? ` tagged #${search.tag}` : ""}`
    : search.tag
      ? `Videos tagged #${search.tag}`
      : "Videos";
  return (
    <>
      <VideosHeader active="browse" title={title} />
      <form class="video-search row" aria-label="Search videos" onSubmit={find}>
        <input type="search" name="search" value={text} aria-label="Search videos by title or #tag" placeholder="Words of the title, or #tag" />
        <button type="submit" class="secondary small">
          Search
        </button>
      </form>
      {list.items.length === 0 && list.done ? (
        <div class="empty-state">
          <p class="muted">{text ? "No video matches that. Try fewer words, or another tag." : "No videos yet."}</p>
          <a class="button-link" href={text ? "/app/videos/browse" : "/app/videos"}>
            {text ? "See every video" : "Upload one"}
          </a>
        </div>
      ) : (
        <ul class="video-grid" aria-label="Videos">
          {list.items.map((video) => (
            <VideoCard key={video.id} video={video} />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </>
  );
}

function dedupe(videos: Video[]): Video[] {
  return videos.filter((video, index) => videos.findIndex((other) => other.id === video.id) === index);
}
