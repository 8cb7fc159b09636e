import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS?: D1Migration[];
      TEST_NEXT_SIGNING_KEY?: string;
      TEST_VIDEO_SIGNING_PUBLIC_KEY?: string;
      TEST_FCM_PUBLIC_KEY?: string;
    }
  }
}
