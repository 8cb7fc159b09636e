import { env } from "cloudflare:workers";

/** The DB binding, recording every D1 Sessions API constraint the code opens a session with. */
export function recordingDb(): { DB: D1Database; sessions: string[] } {
  const sessions: string[] = [];
  const DB = new Proxy(env.DB, {
    get(target, property) {
      if (property === "withSession") {
        return (constraint: string) => {
          sessions.push(constraint);
          return target.withSession(constraint);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { DB, sessions };
}
