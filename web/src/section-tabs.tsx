// The segmented links under a section's title or inside a tab: one link per view, each its own
// path (so a view survives a reload and the back button), the current one marked for screen
// readers too.

export interface SectionTab {
  href: string;
  label: string;
  current: boolean;
}

export function SectionTabs({ label, tabs }: { label: string; tabs: SectionTab[] }) {
  return (
    <nav class="segmented" aria-label={label}>
      {tabs.map((tab) => (
        <a href={tab.href} class={tab.current ? "tab active" : "tab"} aria-current={tab.current ? "page" : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
