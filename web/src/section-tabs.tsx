// The segmented links under a section's title or inside a tab: one link per view, each its own
// path (so a view survives a reload and the back button), the current one marked for screen
// readers too.

import { useEffect, useRef } from "hono/jsx/dom";

export interface SectionTab {
  href: string;
  label: string;
  current: boolean;
}

export function SectionTabs({ label, tabs }: { label: string; tabs: SectionTab[] }) {
  const bar = useRef<HTMLElement | null>(null);
  const current = tabs.find((tab) => tab.current)?.href;
  // At phone width the bar scrolls sideways (app.css): the current tab is brought into it, and
  // again whenever the bar's width changes (a phone turned, a window narrowed). Only the bar
  // scrolls: scrollIntoView would also scroll the page to the bar on every resize.
  useEffect(() => {
    const nav = bar.current;
    if (!nav) return;
    const reveal = () => {
      const active = nav.querySelector<HTMLElement>('[aria-current="page"]');
      if (!active) return;
      const { left, right } = active.getBoundingClientRect();
      const box = nav.getBoundingClientRect();
      if (left < box.left) nav.scrollLeft -= box.left - left;
      else if (right > box.right) nav.scrollLeft += right - box.right;
    };
    reveal();
    const resized = new ResizeObserver(reveal);
    resized.observe(nav);
    return () => resized.disconnect();
  }, [current]);
  return (
    <nav class="segmented" aria-label={label} ref={bar}>
      {tabs.map((tab) => (
        <a href={tab.href} class={tab.current ? "tab active" : "tab"} aria-current={tab.current ? "page" : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
