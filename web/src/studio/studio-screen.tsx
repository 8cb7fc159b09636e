// The studio section: /app/studio (projects), /app/studio/projects/:id (a project),
// /app/studio/projects/:id/boxes/:boxId (a box). Each path is a deep link that survives a reload.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { BoxPage } from "./box-page";
import { ProjectPage } from "./project-page";
import { type Project, problemText, studioApi } from "./studio-api";
import { dayOf } from "../format";
import { ProblemNote } from "../problem-note";

export function StudioScreen({ rest }: { rest: string[] }) {
  const [first, projectId, third, boxId] = rest;
  if (first === "projects" && projectId && third === "boxes" && boxId) return <BoxPage projectId={projectId} boxId={boxId} />;
  if (first === "projects" && projectId && third === undefined) return <ProjectPage projectId={projectId} />;
  if (first !== undefined)
    return (
      <section class="empty-state">
        <h1>No such page</h1>
        <a class="button-link" href="/app/studio">
          Back to your projects
        </a>
      </section>
    );
  return <ProjectsPage />;
}

function ProjectsPage() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  // A slow first list must not replace the one read after a new project: only the newest request's answer is shown.
  const requests = useRef(0);
  const load = () => {
    const request = ++requests.current;
    return studioApi.projects().then(
      (list) => request === requests.current && setProjects(list),
      (caught) => setError(problemText(caught)),
    );
  };
  useEffect(() => {
    document.title = "Studio";
    void load();
  }, []);
  const create = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return setError("Give the project a name.");
    try {
      await studioApi.createProject(name.trim());
      setName("");
      await load();
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  return (
    <div class="studio-page">
      <header class="studio-header">
        <h1 class="studio-title">Studio</h1>
        <p class="muted small">Projects hold boxes, one per shot; boxes hold the pictures and videos you upload or generate.</p>
      </header>
      <section class="studio-panel">
        <form class="studio-inline-form" onSubmit={create}>
          <label>
            New project
            <input value={name} maxLength={200} placeholder="Spring campaign" onInput={(e: Event) => setName((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary small">
            Create project
          </button>
        </form>
      </section>
      <ProblemNote text={error} />
      {projects === null ? (
        <p class="muted">Loading…</p>
      ) : projects.length === 0 ? (
        <p class="muted">No projects yet.</p>
      ) : (
        <ul class="studio-projects">
          {projects.map((project) => (
            <li data-testid="studio-project">
              <a href={`/app/studio/projects/${encodeURIComponent(project.id)}`}>
                <strong>{project.name}</strong>
                <span class="muted small">
                  {project.boxCount} {project.boxCount === 1 ? "box" : "boxes"} · {project.assetCount} {project.assetCount === 1 ? "asset" : "assets"}
                </span>
                <span class="muted small">Changed {dayOf(project.updatedAt)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
