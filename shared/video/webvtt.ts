/**
 * WebVTT in and out: timed cues become a `text/vtt` document (the transcript model's answer), and
 * a document's cue text becomes plain words (what the video search indexes).
 */

export interface Cue {
  startSeconds: number;
  endSeconds: number;
  text: string;
}

function timestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Cue text as WebVTT wants it: `&` and `<` escaped, no blank line (which would end the cue), no `-->`. */
function cueText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n\s*\r?\n/g, "\n")
    .trim();
}

/**
 * A WebVTT document of `cues`, in time order. A cue that ends before it starts lasts two seconds;
 * overlapping cues are kept (WebVTT allows them).
 */
export function toWebVtt(cues: readonly Cue[]): string {
  const ordered = cues
    .filter((cue) => cue.text.trim() !== "")
    .map((cue) => ({ ...cue, startSeconds: Math.max(0, cue.startSeconds) }))
    .sort((a, b) => a.startSeconds - b.startSeconds);
  const blocks = ordered.map((cue) => {
    const end = cue.endSeconds > cue.startSeconds ? cue.endSeconds : cue.startSeconds + 2;
    return `${timestamp(cue.startSeconds)} --> ${timestamp(end)}\n${cueText(cue.text)}`;
  });
  return `WEBVTT\n\n${blocks.join("\n\n")}\n`;
}

/** The words of a WebVTT document's cues: no header, timings, cue ids, NOTE/STYLE blocks or tags. */
export function webVttText(vtt: string): string {
  const blocks = vtt.replace(/^\uFEFF/, "").split(/\r?\n\s*\r?\n/);
  const lines: string[] = [];
  for (const block of blocks) {
    const rows = block.split(/\r?\n/);
    const timing = rows.findIndex((row) => row.includes("-->"));
    if (timing === -1) continue;
    for (const row of rows.slice(timing + 1)) {
      const text = row
        .replace(/<[^>]*>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&nbsp;/g, " ")
        .replace(/&amp;/g, "&")
        .trim();
      if (text) lines.push(text);
    }
  }
  return lines.join("\n");
}
