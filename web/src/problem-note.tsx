// The one way a screen shows what went wrong with what a person just did.
import type { Child } from "hono/jsx";
import { useEffect, useRef } from "hono/jsx/dom";

/**
 * A problem's words (from `problemText`), announced to screen readers and brought into view when
 * they appear or change: "The password is wrong" came under the phone number form's buttons, at
 * the foot of a dialog that scrolls, half out of sight on a phone. Nothing shows without `text`.
 * `children` follow the words: the way out of the problem, such as "Try again".
 */
export function ProblemNote({ text, small = false, children }: { text: string | null | undefined | false; small?: boolean; children?: Child }) {
  const shown = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (text) shown.current?.scrollIntoView({ block: "nearest" });
  }, [text]);
  return text ? (
    <p ref={shown} class={small ? "error small" : "error"} role="alert">
      {text}
      {children}
    </p>
  ) : null;
}
