// The one way the app opens a dialog over a screen.
import type { Child } from "hono/jsx";
import { useEffect, useRef } from "hono/jsx/dom";

/** What a keyboard can reach inside a dialog, in order (hidden ones are skipped when used). */
const REACHABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog as people expect one (WAI-ARIA's dialog pattern): it takes the focus when it opens
 * (unless something in it took it already, such as a confirmation's Cancel), keeps Tab inside it,
 * closes on Escape or a click beside it, and gives the focus back to what opened it. Dialogs were
 * eleven copies of a backdrop and a box; eight of them ignored Escape and left the focus behind them
 * on the screen they covered. With `onSubmit` the dialog is a form.
 */
export function ModalDialog(props: {
  label?: string;
  labelledBy?: string;
  role?: "dialog" | "alertdialog";
  class?: string;
  testId?: string;
  onClose: () => void;
  onSubmit?: (event: Event) => void;
  children: Child;
}) {
  const { label, labelledBy, role = "dialog", testId, onClose, onSubmit, children } = props;
  const box = useRef<HTMLElement | null>(null);
  // Read while rendering: the effects of what the dialog holds run first and may move the focus.
  const opener = useRef<Element | null>(document.activeElement);
  useEffect(() => {
    const dialog = box.current;
    if (dialog && !dialog.contains(document.activeElement)) dialog.focus();
    // A control that had the focus may go as the dialog changes ("Invite someone to join" gives
    // way to the link it made) or be disabled while it works; the browser then drops the focus to
    // the page under the dialog. The dialog takes it back.
    const holdFocus = new MutationObserver(() => {
      if (dialog && (document.activeElement === null || document.activeElement === document.body)) dialog.focus({ preventScroll: true });
    });
    if (dialog) holdFocus.observe(dialog, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled", "hidden"] });
    return () => {
      holdFocus.disconnect();
      const back = opener.current;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);
  const keys = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      // A dialog opened from a dialog closes alone.
      event.stopPropagation();
      onClose();
      return;
    }
    const dialog = box.current;
    if (event.key !== "Tab" || !dialog) return;
    const reachable = Array.from(dialog.querySelectorAll<HTMLElement>(REACHABLE)).filter((element) => element.checkVisibility());
    const [first, last] = [reachable[0], reachable.at(-1)];
    if (!first || !last) return;
    const at = document.activeElement;
    if (event.shiftKey && (at === first || at === dialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && at === last) {
      event.preventDefault();
      first.focus();
    }
  };
  const shared = {
    ref: box,
    class: props.class ?? "dialog",
    role,
    "aria-modal": "true",
    "aria-label": label,
    "aria-labelledby": labelledBy,
    "data-testid": testId,
    tabIndex: -1,
  };
  return (
    <div class="dialog-backdrop" onClick={(e: Event) => e.target === e.currentTarget && onClose()} onKeyDown={keys}>
      {onSubmit ? (
        <form {...shared} onSubmit={onSubmit}>
          {children}
        </form>
      ) : (
        <div {...shared}>{children}</div>
      )}
    </div>
  );
}
