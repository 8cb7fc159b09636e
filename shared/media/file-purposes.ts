// What a file is for and who may see it: plain values, apart from media-types.ts, whose type
// sniffing (file-type, image-size) only the upload pipeline runs. The config (media vars) names
// the purposes, and every Worker parses the config, the realtime one included.

export const FILE_PURPOSES = ["attachment", "avatar", "image", "asset", "company-icon", "video-thumbnail", "encrypted-attachment"] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const FILE_VISIBILITIES = ["private", "public"] as const;
export type FileVisibility = (typeof FILE_VISIBILITIES)[number];
