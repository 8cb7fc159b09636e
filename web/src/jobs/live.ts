// The jobs board's live frames: `application.updated` from the hub reaches the screens that
// listen (my applications, the pipeline) through platform.ts's hub listeners.
import { useEffect } from "hono/jsx/dom";
import { onHubFrame } from "../platform";
import type { Application } from "./model";

export function useApplicationUpdates(onUpdate: (application: Application, reason: string) => void): void {
  useEffect(() => {
    const listener = (frame: { type: string } & Record<string, unknown>) => {
      if (frame.type === "application.updated") onUpdate(frame.application as Application, String(frame.reason));
    };
    return onHubFrame(listener);
  }, []);
}
