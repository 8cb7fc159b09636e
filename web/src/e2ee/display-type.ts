// How a decrypted file of an encrypted chat is shown (encrypted-files.tsx): a module of its own,
// with nothing of the page in it, so the rule is tested on its own (test/e2ee/web-history.test.ts).

/**
 * The type a decrypted file is shown as. The type inside the message is the sender's word for it,
 * so only pictures, sound and video a browser shows without running anything keep theirs; anything
 * else (an SVG or an HTML page among them) is bytes to download.
 */
export function displayType(claimed: string | undefined): string {
  const type = (claimed ?? "").split(";")[0]!.trim().toLowerCase();
  const shown = /^(image\/(jpeg|png|gif|webp|avif|heic)|audio\/[a-z0-9.+-]+|video\/(mp4|webm|quicktime))$/;
  return shown.test(type) ? type : "application/octet-stream";
}
