// The AI's reading of the candidate's profile: strengths, gaps and tags worth adding (each can be
// added with one click). The analysis runs on the server's queue; this polls it with a progress note.
import { useState } from "hono/jsx/dom";
import { ProblemError } from "../../../client";
import { problemText } from "../problem-text";
import { type Analysis, analysis, editProfile, type Profile, startAnalysis, untilDone } from "./candidate-api";
import { ProblemNote } from "../problem-note";

/** The words for an AI task that could not run or failed. */
export function aiProblemText(error: unknown): string {
  if (error instanceof ProblemError && error.status === 503) return "The AI assistant is not available on this server right now. Try again later.";
  if (error instanceof ProblemError && error.status === 429) return "You asked the AI assistant many times just now; try again in a while.";
  return problemText(error);
}

/** A failed task's error as the person reads it (the stored error is for operators). */
export const AI_FAILED = "The AI assistant could not finish this time. Try again; if it keeps failing, try later.";

type Result = NonNullable<Analysis["analysis"]>;

export function ProfileAnalysis({ tags, onTagsAdded }: { tags: string[]; onTagsAdded: (profile: Profile) => void }) {
  const [state, setState] = useState<{ kind: "idle" } | { kind: "running" } | { kind: "done"; result: Result } | { kind: "error"; text: string }>({
    kind: "idle",
  });
  const run = async () => {
    setState({ kind: "running" });
    try {
      const id = await startAnalysis();
      const task = await untilDone(() => analysis(id));
      if (task.status === "completed" && task.analysis) setState({ kind: "done", result: task.analysis });
      else if (task.status === "pending") setState({ kind: "error", text: "The analysis is taking long. Look again in a few minutes." });
      else setState({ kind: "error", text: AI_FAILED });
    } catch (caught) {
      setState({ kind: "error", text: aiProblemText(caught) });
    }
  };
  const addTag = async (tag: string) => {
    try {
      onTagsAdded(await editProfile({ tags: [...tags, tag] }));
    } catch (caught) {
      setState({ kind: "error", text: problemText(caught) });
    }
  };
  return (
    <section class="card stack jobs-analysis" aria-label="Profile analysis" aria-busy={state.kind === "running"}>
      <div class="row spread wrap">
        <h2>AI profile analysis</h2>
        <button type="button" class="secondary" disabled={state.kind === "running"} onClick={() => void run()}>
          {state.kind === "done" ? "Analyse again" : "Analyse my profile"}
        </button>
      </div>
      {state.kind === "idle" && (
        <p class="muted small">The assistant reads your profile and says what stands out, what is missing and which tags recruiters search for.</p>
      )}
      {state.kind === "running" && (
        <p class="muted" role="status">
          Analysing your profile…
        </p>
      )}
      <ProblemNote text={state.kind === "error" && state.text} />
      {state.kind === "done" && (
        <div class="jobs-analysis-result">
          <AdviceList title="Strengths" items={state.result.strengths} empty="No particular strength named yet: say more about your work." />
          <AdviceList title="What to add" items={state.result.gaps} empty="Nothing missing." />
          <h3>Suggested tags</h3>
          {state.result.suggestedTags.length === 0 ? (
            <p class="muted small">No tag to add.</p>
          ) : (
            <div class="jobs-tags">
              {state.result.suggestedTags.map((tag) =>
                tags.includes(tag) ? (
                  <span class="jobs-tag">{tag} ✓</span>
                ) : (
                  <button type="button" class="secondary small" aria-label={`Add the tag ${tag}`} onClick={() => void addTag(tag)}>
                    + {tag}
                  </button>
                ),
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function AdviceList({ title, items, empty }: { title: string; items: string[]; empty: string }) {
  return (
    <>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p class="muted small">{empty}</p>
      ) : (
        <ul class="jobs-advice">
          {items.map((item) => (
            <li>{item}</li>
          ))}
        </ul>
      )}
    </>
  );
}
