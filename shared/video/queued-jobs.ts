/** Asks Stream whether an uploaded video is ready (or failed); sent again with backoff (shared/video/processing.ts). */
export interface VideoCheckJob {
  kind: "video.check";
  videoId: string;
  attempt: number;
}

declare module "../env" {
  interface JobKinds {
    "video.check": VideoCheckJob;
  }
}
