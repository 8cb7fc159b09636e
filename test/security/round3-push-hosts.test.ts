// Security round 3, finding 4: the push endpoint rules read the host as an address, unwrap every
// form that carries an IPv4 address inside IPv6, and strip every trailing dot, so no spelling of an
// internal address gets a POST from the platform.
import { describe, expect, it } from "vitest";
import { checkPushEndpoint } from "../../shared/push/endpoint-rules";

const refused: [string, string][] = [
  ["IPv4-compatible loopback", "https://[::127.0.0.1]/push"],
  ["IPv4-compatible private", "https://[::10.0.0.1]/push"],
  ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/push"],
  ["IPv4-mapped metadata, hex", "https://[::ffff:a9fe:a9fe]/push"],
  ["NAT64 of the metadata address", "https://[64:ff9b::a9fe:a9fe]/push"],
  ["NAT64 of loopback, dotted", "https://[64:ff9b::127.0.0.1]/push"],
  ["local-use NAT64 of a private address", "https://[64:ff9b:1::a00:1]/push"],
  ["6to4 of loopback", "https://[2002:7f00:1::1]/push"],
  ["6to4 of the metadata address", "https://[2002:a9fe:a9fe::1]/push"],
  ["Teredo with a loopback client", "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/push"],
  ["site-local", "https://[fec0::1]/push"],
  ["site-local, upper end", "https://[feff::1]/push"],
  ["unique local", "https://[fd12:3456::1]/push"],
  ["link-local", "https://[fe80::1]/push"],
  ["multicast", "https://[ff02::1]/push"],
  ["loopback", "https://[::1]/push"],
  ["unspecified", "https://[::]/push"],
  ["documentation prefix", "https://[2001:db8::1]/push"],
  ["discard-only prefix", "https://[100::1]/push"],
  ["localhost with two trailing dots", "https://localhost../push"],
  ["localhost with one trailing dot", "https://localhost./push"],
  ["a .localhost name with trailing dots", "https://push.localhost.../push"],
  ["an internal name with a trailing dot", "https://metadata.google.internal./push"],
  ["a single label with trailing dots", "https://router../push"],
  ["IPv4 loopback, short form", "https://127.1/push"],
  ["IPv4 loopback, one number", "https://2130706433/push"],
  ["IPv4 metadata with a trailing dot", "https://169.254.169.254./push"],
  ["an empty label", "https://push..example.com/push"],
];

const accepted: [string, string][] = [
  ["a push service", "https://fcm.googleapis.com/fcm/send/abc"],
  ["a push service with a trailing dot", "https://updates.push.services.mozilla.com./wpush/v2/abc"],
  ["a public IPv6 address", "https://[2606:4700:4700::1111]/push"],
  ["NAT64 of a public address", "https://[64:ff9b::808:808]/push"],
  ["6to4 of a public address", "https://[2002:808:808::1]/push"],
  ["a public IPv4 address", "https://8.8.8.8/push"],
];

describe("finding 4: push endpoint hosts", () => {
  it.each(refused)("refuses %s (%s)", (_, endpoint) => {
    const verdict = checkPushEndpoint(endpoint, false);
    expect(verdict.ok, endpoint).toBe(false);
  });

  it.each(accepted)("accepts %s (%s)", (_, endpoint) => {
    expect(checkPushEndpoint(endpoint, false).ok, endpoint).toBe(true);
  });
});
