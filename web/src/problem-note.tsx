// The one way a screen shows what went wrong with what a person just did.
import { useEffect, useRef } from "hono/jsx/dom";

/**
 * A problem's words (from `problemText`), announced to screen readers and brought into view when
 * they appear or change: "The password is wrong" came under the phone number form's buttons, at
 * the foot of a dialog that scrolls, half out of sight on a phone. Nothing shows without `text`.
 */
export function ProblemNote({ text, small = false }: { text: string | null | undefined | false; small?: boolean }) {
  const shown = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (text) shown.current?.scrollIntoView({ block: "nearest" });
  }, [text]);
  return text ? (
    <p ref={shown} class={small ? "error small" : "error"} role="alert">
      {text}
    </p>
  ) : null;
}
