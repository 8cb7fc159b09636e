import { describe, expect, it } from "vitest";
import { api, json, registerUser, type TestUser } from "../helpers";
import { auditDetails } from "../kit/audit";
import { mailbox, waitForMail } from "../kit/mailbox";

// Cloudflare puts the caller's country and city on request.cf; the kit's api() sends them as `cf`.
const signIn = (user: TestUser, userAgent: string, cf: Record<string, unknown>) =>
  api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip, headers: { "user-agent": userAgent }, cf });

describe("where a sign-in came from", () => {
  it("the new-device notice and its security event name the city and country", async () => {
    const user = await registerUser();
    expect((await signIn(user, "Firefox on a new laptop", { country: "DE", city: "Berlin" })).status).toBe(200);
    const [mail] = await waitForMail(user.email, /New sign-in/);
    expect(mail!.text).toContain("Where: Berlin, Germany");
    expect(mail!.text).toContain("Firefox on a new laptop");
    const [event] = await auditDetails(user.id, "login.new_device");
    expect(event).toMatchObject({ country: "DE", city: "Berlin" });
  });

  it("a country never seen for the account is flagged in the security event and the e-mail, even from a known device; a known country is not", async () => {
    const user = await registerUser();
    expect((await signIn(user, "Safari on my phone", { country: "NL", city: "Utrecht" })).status).toBe(200);
    await waitForMail(user.email, /New sign-in/);
    // The same device, now abroad.
    expect((await signIn(user, "Safari on my phone", { country: "BR", city: "Recife" })).status).toBe(200);
    const [abroad] = await waitForMail(user.email, /new country/);
    expect(abroad!.subject).toBe("New sign-in to your account from a new country: Recife, Brazil");
    expect(abroad!.text).toContain("first sign-in from this country");
    expect(await auditDetails(user.id, "login.new_country")).toEqual([{ country: "BR", city: "Recife", newCountry: true }]);

    // Back in a country seen before, from the known device: nothing to flag.
    expect((await signIn(user, "Safari on my phone", { country: "NL", city: "Amsterdam" })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await mailbox(user.email)).filter((m) => /new country/.test(m.subject))).toHaveLength(1);
    const events = (await json(await api("/v1/me/security-events?limit=50", { token: user.accessToken }))).items;
    expect(events.filter((e: { type: string }) => e.type === "login.new_country")).toHaveLength(1);
    const exported = await json(await api("/v1/me/export", { token: user.accessToken }));
    expect(exported.knownCountries.map((c: { country: string }) => c.country)).toEqual(expect.arrayContaining(["NL", "BR"]));
  });

  it("a new device in a new country is one event and one e-mail carrying both", async () => {
    const user = await registerUser();
    expect((await signIn(user, "Chrome at home", { country: "FR", city: "Lyon" })).status).toBe(200);
    await waitForMail(user.email, /New sign-in/);
    expect((await signIn(user, "Edge in a hotel", { country: "JP", city: "Osaka" })).status).toBe(200);
    const [mail] = await waitForMail(user.email, /new country/);
    expect(mail!.text).toContain("from a device and from a country we have not seen before");
    expect((await auditDetails(user.id, "login.new_device")).at(-1)).toEqual({ country: "JP", city: "Osaka", newCountry: true });
  });

  it("without Cloudflare's metadata the notice says the place is unknown and nothing is flagged", async () => {
    const user = await registerUser();
    expect((await signIn(user, "Unlocated browser", {})).status).toBe(200);
    const [mail] = await waitForMail(user.email, /New sign-in/);
    expect(mail!.subject).toBe("New sign-in to your account");
    expect(await auditDetails(user.id, "login.new_country")).toEqual([]);
  });
});
