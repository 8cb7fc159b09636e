// The platform's Workers, each with its wrangler config: what `npm run dev` serves in one session,
// `npm run check:deploy` checks, `npm run deploy` deploys (in this order) and `npm run
// bench:startup` profiles. `hostsChatRooms` marks the Worker whose isolates wake the chat rooms.
export const PLATFORM_WORKERS = [{ name: "api", config: "wrangler.toml", hostsChatRooms: true }];
