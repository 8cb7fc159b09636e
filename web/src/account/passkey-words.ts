// What a failed passkey ceremony says in words. A browser refuses a passkey whose relying party
// (the platform's host name, PASSKEY_RP_ID) is not the page's own host with a bare "This is an
// invalid domain": the usual case is a local server opened at 127.0.0.1 while its passkeys belong
// to localhost.
import { problemText } from "../problem-text";

const isAddress = (host: string) => /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":") || host.startsWith("[");

/** The passkey failure in words, or null when it was not the browser's own refusal. */
export function passkeyRefusalText(caught: unknown): string | null {
  if (!(caught instanceof Error)) return null;
  if (caught.name === "NotAllowedError") return "The passkey prompt was closed or timed out.";
  if (caught.name !== "SecurityError") return null;
  const { hostname, port, protocol } = location;
  if (isAddress(hostname))
    return `Passkeys need a site name, not an address like ${hostname}. Open ${protocol}//localhost${port ? `:${port}` : ""}${location.pathname} and try again.`;
  return `This browser will not use a passkey for ${hostname}: the platform's passkeys belong to another site name. Open the app at the address you were given and try again.`;
}

export function passkeyProblemText(caught: unknown): string {
  return passkeyRefusalText(caught) ?? problemText(caught);
}
