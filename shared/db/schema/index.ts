export * from "./identity";
export * from "./chat";
export * from "./calls";
export * from "./media";
export * from "./studio";
export * from "./studio-providers";
export * from "./video";
export * from "./jobs";
