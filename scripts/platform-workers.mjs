// The platform's Workers, each with its wrangler config, in the order `npm run deploy` deploys
// them (scripts/deploy.mjs: the realtime Worker first, since the API binds its classes) and for
// `npm run bench:startup` to profile. `hostsChatRooms` marks the Worker whose isolates wake the
// chat rooms (its goal is 2x the minimal Worker's startup, the others' 4x).
export const PLATFORM_WORKERS = [
  { name: "realtime", config: "workers/realtime/wrangler.toml", hostsChatRooms: true },
  { name: "api", config: "wrangler.toml", hostsChatRooms: false },
];
