// How a menu that a button opens closes, as people expect of one.
import { useLayoutEffect } from "hono/jsx/dom";

/**
 * While `open`, Escape or a press outside `area` (the menu with the button that opens it) calls
 * `close`; Escape from inside the menu also gives the focus back to `toggle`. The phone's "More"
 * sections and a chat's "More actions" stayed open over the screen until their button was pressed
 * again.
 */
export function useDismiss(open: boolean, close: () => void, area: { current: HTMLElement | null }, toggle: { current: HTMLElement | null }): void {
  // Listening from the moment the menu is drawn, not a turn later (useEffect): an Escape pressed as
  // soon as the menu showed was lost, and the menu stayed open (forward.test.ts, once on CI).
  useLayoutEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      if (area.current?.contains(document.activeElement)) toggle.current?.focus();
      close();
    };
    const onPress = (event: PointerEvent) => {
      if (area.current && !area.current.contains(event.target as Node)) close();
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPress);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPress);
    };
  }, [open]);
}
