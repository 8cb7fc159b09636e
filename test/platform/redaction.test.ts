import { describe, expect, it } from "vitest";
import { maskEmails, redact, redactQuery } from "../../shared/http/redact";

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
