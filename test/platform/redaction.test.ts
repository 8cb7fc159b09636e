import { describe, expect, it, vi } from "vitest";
import { HIDDEN_EMAIL, maskEmails, REDACTED, redact, redactQuery } from "../../shared/http/redact";
import { logEvent } from "../../shared/observability/log";

describe("log redaction", () => {
  it("replaces secrets under any key that names one, at any depth", () => {
    const input = {
      email: "ada@example.com",
      password: "hunter22",
      nested: { refreshToken: "abc", totpCode: "123456", list: [{ clientSecret: "s" }, { currentPassword: "p" }] },
      headers: { Authorization: "Bearer eyJhbGciOi.eyJzdWIi.sig", Cookie: "a=b" },
      note: "token in text: Bearer abc.def.ghi",
    };
    const out = redact(input) as any;
    expect(out.password).toBe("[redacted]");
    expect(out.nested.refreshToken).toBe("[redacted]");
    expect(out.nested.totpCode).toBe("[redacted]");
    expect(out.nested.list[0].clientSecret).toBe("[redacted]");
    expect(out.nested.list[1].currentPassword).toBe("[redacted]");
    expect(out.headers.Authorization).toBe("[redacted]");
    expect(out.headers.Cookie).toBe("[redacted]");
    expect(out.email).toBe("a***@example.com");
    expect(out.note).toBe("token in text: Bearer [redacted]");
    expect(JSON.stringify(out)).not.toMatch(/hunter22|123456|eyJ/);
  });

  it("masks e-mail addresses inside free text", () => {
    expect(maskEmails("from grace.hopper@navy.mil to ada@example.com")).toBe("from g***@navy.mil to a***@example.com");
  });

  it("redacts secret query parameters and masks e-mails in the others", () => {
    const url = new URL("https://x.test/dev/mailbox?to=ada@example.com&ticket=abc&token=t&code=1&limit=5");
    expect(redactQuery(url)).toEqual({ to: "a***@example.com", ticket: "[redacted]", token: "[redacted]", code: "[redacted]", limit: "5" });
  });
});

describe("the logger redacts whatever path logs", () => {
  const secrets = {
    password: "hunter2-horse-battery",
    refreshToken: "rt-opaque-value-1",
    code: "918273",
    apiKey: "key-value-abc",
    jwt: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl",
    opaque: "Zk3q9XvP0aLmN8rT2yB5wE7uI1oS4dF6gH0jK3lQ",
    email: "grace.hopper@navy.mil",
  };
  const bag = {
    password: secrets.password,
    nested: { deeper: [{ refreshToken: secrets.refreshToken }, { totpCode: secrets.code }], headers: { "X-Api-Key": secrets.apiKey } },
    header: `Bearer ${secrets.jwt}`,
    note: `signed in with ${secrets.jwt} as ${secrets.email}`,
    url: `https://app.test/verify?token=${secrets.opaque}&code=${secrets.code}&next=/home`,
    form: `grant_type=refresh_token&refresh_token=${secrets.refreshToken}`,
    raw: `the key was ${secrets.opaque}`,
    error: new Error(`login failed for ${secrets.email} with password=${secrets.password}`),
    passkeyId: "01936b8e-0000-7000-8000-000000000001",
  };

  function captured(run: () => void): string {
    const lines: string[] = [];
    const keep = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    const log = vi.spyOn(console, "log").mockImplementation(keep);
    const error = vi.spyOn(console, "error").mockImplementation(keep);
    try {
      run();
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    return lines.join("\n");
  }

  for (const level of ["debug", "info", "warn", "error"] as const) {
    it(`a ${level} line carries none of the secrets, in keys, nested values or text`, () => {
      const out = captured(() => logEvent(level, `request for ${secrets.email} with Bearer ${secrets.jwt}`, bag));
      for (const secret of Object.values(secrets)) expect(out).not.toContain(secret);
      expect(out).not.toMatch(/eyJ/);
      const line = JSON.parse(out) as Record<string, any>;
      expect(line.password).toBe(REDACTED);
      expect(line.nested.deeper[0].refreshToken).toBe(REDACTED);
      expect(line.url).toBe(`https://app.test/verify?token=${REDACTED}&code=${REDACTED}&next=/home`);
      // Identifiers are not secrets, even when their key names one.
      expect(line.passkeyId).toBe(bag.passkeyId);
    });
  }

  it("masks e-mail addresses on debug and info lines and hides them on warn and error lines", () => {
    expect(JSON.parse(captured(() => logEvent("info", "sent", { to: "ada@example.com" }))).to).toBe("a***@example.com");
    expect(JSON.parse(captured(() => logEvent("debug", "sent", { to: "ada@example.com" }))).to).toBe("a***@example.com");
    expect(JSON.parse(captured(() => logEvent("warn", "bounced", { to: "ada@example.com" }))).to).toBe(HIDDEN_EMAIL);
    expect(JSON.parse(captured(() => logEvent("error", "failed", { to: "ada@example.com" }))).to).toBe(HIDDEN_EMAIL);
  });

  it("leaves ids, counts and plain words alone", () => {
    const fields = { userId: "01936b8e-0000-7000-8000-000000000001", queued: 3, cron: "* * * * *", msg2: "back-channel logout to app answered 503" };
    expect(JSON.parse(captured(() => logEvent("info", "sweep", fields)))).toMatchObject(fields);
  });
});
