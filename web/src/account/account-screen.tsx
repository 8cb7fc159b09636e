// /app/account: every account setting, one panel each (panels.ts). /app/account/<panel> opens
// that panel, so a link (an e-mail, the profile dialog) lands on the right one.
import { accountPanels } from "./panels";
import { PanelCard } from "./panel";

export function AccountScreen({ rest }: { rest: string[] }) {
  const chosen = accountPanels.find((panel) => panel.id === rest[0]);
  const shown = chosen ? [chosen] : accountPanels;
  return (
    <div class="account-screen">
      <header class="account-header">
        <h1>Your account</h1>
        <nav aria-label="Account settings" class="account-index">
          <a href="/app/account" aria-current={chosen ? undefined : "page"}>
            All
          </a>
          {accountPanels.map((panel) => (
            <a key={panel.id} href={`/app/account/${panel.id}`} aria-current={chosen?.id === panel.id ? "page" : undefined}>
              {panel.title}
            </a>
          ))}
        </nav>
      </header>
      {shown.map(({ id, title, Panel }) => (
        <PanelCard key={id} id={id} title={title}>
          <Panel />
        </PanelCard>
      ))}
    </div>
  );
}
