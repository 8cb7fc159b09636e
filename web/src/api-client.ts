// The one platform client of this tab. It imports nothing of the app, so the call controllers,
// notifications and call reports use it without importing platform.ts, which wires them together.
import { createPlatformClient, LocalSessionStorage } from "../../client";

export const platform = createPlatformClient({ baseUrl: location.origin, storage: new LocalSessionStorage(localStorage) });
