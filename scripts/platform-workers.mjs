// The platform's Workers, each with its wrangler config, for `npm run bench:startup` to profile.
// There is one today (the API, the queue and cron consumers and every Durable Object); a Worker of
// the realtime objects would be listed here too. `hostsChatRooms` marks the Worker whose isolates
// wake the chat rooms (its goal is 2x the minimal Worker's startup, the others' 4x).
export const PLATFORM_WORKERS = [{ name: "api", config: "wrangler.toml", hostsChatRooms: true }];
