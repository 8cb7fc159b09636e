// /app/admin/<panel>: the administrators' console. Only admins see the section (sections.tsx);
// the API refuses everyone else anyway, so this screen holds no secret of its own.
import { adminPanels } from "./panels";

export function AdminScreen({ rest }: { rest: string[] }) {
  const panel = adminPanels.find((p) => p.id === rest[0]) ?? adminPanels[0]!;
  return (
    <div class="section-page admin-screen">
      <header class="section-header">
        <h1>Admin</h1>
        <nav class="segmented admin-tabs" aria-label="Admin console">
          {adminPanels.map((p) => (
            <a key={p.id} href={`/app/admin/${p.id}`} class={p === panel ? "tab active" : "tab"} aria-current={p === panel ? "page" : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
      </header>
      <section class="account-panel" aria-labelledby="admin-panel-title" data-panel={panel.id}>
        <h2 id="admin-panel-title">{panel.label}</h2>
        <panel.Panel />
      </section>
    </div>
  );
}
