// The one way the app copies a text for a person to paste elsewhere (a link, their ID, a secret
// shown once). It says "Copied" only once the clipboard took the text; when the browser refuses
// (no permission, a page not served over HTTPS), it says so in words, so the person selects the
// text and copies it themselves instead of pasting something else later.
import { useState } from "hono/jsx/dom";

export function CopyButton({
  text,
  label = "Copy",
  className = "secondary small",
  what,
  onCopied,
}: {
  text: string;
  label?: string;
  className?: string;
  /** What it copies, for a screen reader where several are in a list ("invite link 2"): its name is its words, then this. */
  what?: string;
  onCopied?: () => void;
}) {
  // What was copied (or refused) and for which text: a new text (a new link) starts ready again.
  const [outcome, setOutcome] = useState<{ text: string; copied: boolean } | null>(null);
  const state = outcome?.text !== text ? "ready" : outcome.copied ? "copied" : "refused";
  const copy = async () => {
    try {
      // navigator.clipboard is undefined outside a secure context: that is a refusal too.
      await navigator.clipboard.writeText(text);
      setOutcome({ text, copied: true });
      onCopied?.();
    } catch {
      setOutcome({ text, copied: false });
    }
  };
  const words = state === "copied" ? "Copied" : label;
  return (
    <>
      <button type="button" class={className} aria-label={what ? `${words} ${what}` : undefined} onClick={() => void copy()}>
        {words}
      </button>
      {state === "refused" && (
        <span class="error small copy-refused" role="alert">
          This browser did not allow copying: select the text and copy it yourself.
        </span>
      )}
    </>
  );
}
