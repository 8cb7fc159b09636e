/** Asks Stream whether an uploaded video is ready (or failed); sent again with backoff (shared/video/processing.ts). */
export interface VideoCheckJob {
  kind: "video.check";
  videoId: string;
  attempt: number;
}

/** Makes a ready video's captions in one language: Stream's, or the transcript model's (shared/video/captions.ts). */
export interface VideoCaptionsJob {
  kind: "video.captions";
  videoId: string;
  language: string;
}

declare module "../env" {
  interface JobKinds {
    "video.check": VideoCheckJob;
    "video.captions": VideoCaptionsJob;
  }
}
