// One panel of the account screen: a titled card (its errors show through ProblemNote). Each panel
// is a file of web/src/account/ and one entry of panels.ts.
import type { JSX } from "hono/jsx/dom/jsx-runtime";

export interface AccountPanel {
  /** The panel's deep link: /app/account/<id>. */
  id: string;
  title: string;
  Panel: () => JSX.Element;
}

export function PanelCard({ id, title, children }: { id: string; title: string; children: unknown }) {
  return (
    <section class="account-panel" id={`account-${id}`} aria-labelledby={`account-${id}-title`}>
      <h2 id={`account-${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
