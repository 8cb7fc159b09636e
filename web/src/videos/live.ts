// Videos change on the server (Stream finishes, a moderator decides): the owner's hub says so with
// `video.updated`, and the screens that show the video take the new one.
import { useEffect } from "hono/jsx/dom";
import { onHubFrame } from "../platform";
import type { Video } from "./model";

export function useVideoUpdates(onVideo: (video: Video) => void): void {
  useEffect(() => {
    const stop = onHubFrame((frame) => frame.type === "video.updated" && onVideo(frame.video as Video));
    return () => void stop();
  }, []);
}
