// The bare room with the realtime Worker's code loaded beside it (`npm run bench:chat --
// --bare-code realtime`): every module of the chat room's isolate is evaluated (its zod schemas,
// drizzle tables, MLS library, classes), kept alive and never called. What this room's code alone,
// not its work, does to the latency of the same broadcast: the likeness the ballast records
// (plain objects and closures) only approach.
import * as realtimeWorker from "../../workers/realtime/index.ts";

globalThis.realtimeWorker = realtimeWorker;

export { BareRoom, default } from "./worker.js";
