// The Worker under test in the workerd projects (vitest.config.ts): the API Worker's entry and the
// realtime Worker's objects in one runtime. Deployed and under `npm run dev` the realtime objects
// run in a Worker of their own (workers/realtime/), reached through `script_name` bindings; here
// the bindings point at these classes in the test runner itself, so tests reach into the objects
// (runInDurableObject, alarms) and share the runner's clock and spies, as they did when one Worker
// held everything. The cross-Worker binding itself is covered by test/dev-server/realtime-worker.test.ts.
export * from "../workers/index";
export { default } from "../workers/index";
export { CallRoom, CallSession, ChatFanout, ChatRoom, UserHub } from "../workers/realtime/index";
