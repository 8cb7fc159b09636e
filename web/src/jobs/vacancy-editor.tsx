// Writing a vacancy (/app/jobs/companies/:id/vacancies/new, /app/jobs/vacancies/:id/edit): every
// field the API holds, saved as a draft; a preview as candidates will see it; publish now or at a
// time; close, reopen (as a draft) and delete. "Ask the AI for a draft" writes one from notes.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { navigate } from "../router";
import { problemText } from "../problem-text";
import { ConfirmDialog } from "../gallery/confirm-dialog";
import {
  closeVacancy,
  createVacancy,
  deleteVacancy,
  draftStatus,
  getVacancy,
  publishVacancy,
  reopenVacancy,
  requestDraft,
  updateVacancy,
  type VacancyInput,
} from "./api";
import { Choice, CURRENCIES, EMPLOYMENT_TYPES, PERIODS, SENIORITIES } from "./choices";
import { EMPLOYMENT_WORDS, kindOfJob, PERIOD_WORDS, SENIORITY_WORDS, salaryText, type Vacancy } from "./model";
import { type Place, PlacePicker } from "./place-picker";
import { dateTime } from "../format";

const STATUS_WORDS: Record<Vacancy["status"], string> = {
  draft: "Draft: only your company sees it",
  scheduled: "Scheduled",
  published: "Published: on the board",
  closed: "Closed: off the board, takes no applications",
};

interface Form {
  title: string;
  description: string;
  role: string;
  seniority: string;
  employmentType: string;
  salaryMin: string;
  salaryMax: string;
  currency: string;
  period: (typeof PERIODS)[number];
  remote: boolean;
  place: Place | null;
  tags: string;
}

const EMPTY: Form = {
  title: "",
  description: "",
  role: "",
  seniority: "middle",
  employmentType: "full-time",
  salaryMin: "",
  salaryMax: "",
  currency: "EUR",
  period: "year",
  remote: false,
  place: null,
  tags: "",
};

function formOf(v: Vacancy): Form {
  return {
    title: v.title,
    description: v.description,
    role: v.role,
    seniority: v.seniority,
    employmentType: v.employmentType,
    salaryMin: v.salary ? String(v.salary.min) : "",
    salaryMax: v.salary ? String(v.salary.max) : "",
    currency: v.salary?.currency ?? "EUR",
    period: v.salary?.period ?? "year",
    remote: v.remote,
    place: v.location,
    tags: v.tags.join(", "),
  };
}

/** The form as the API's body, or what to fix first. */
function inputOf(form: Form): VacancyInput | { problem: string } {
  if (!form.title.trim()) return { problem: "Give the vacancy a title." };
  if (!form.role.trim()) return { problem: "Say which role it is, e.g. backend." };
  const min = form.salaryMin.trim() ? Number(form.salaryMin) : null;
  const max = form.salaryMax.trim() ? Number(form.salaryMax) : null;
  if ((min === null) !== (max === null)) return { problem: "Give both ends of the salary range, or neither." };
  if (min !== null && max !== null && (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min))
    return { problem: "The salary range is two whole numbers, the first not above the second." };
  return {
    title: form.title.trim(),
    description: form.description,
    role: form.role.trim(),
    seniority: form.seniority,
    employmentType: form.employmentType,
    salary: min !== null && max !== null ? { min, max, currency: form.currency, period: form.period } : null,
    remote: form.remote,
    location: form.place,
    tags: form.tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
  };
}

export function VacancyEditor({ companyId, vacancyId }: { companyId?: string; vacancyId?: string }) {
  const [vacancy, setVacancy] = useState<Vacancy | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState(false);
  const [when, setWhen] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [loading, setLoading] = useState(Boolean(vacancyId));
  useEffect(() => {
    if (!vacancyId) return;
    getVacancy(vacancyId)
      .then((found) => {
        setVacancy(found);
        setForm(formOf(found));
      })
      .catch((caught) => setMessage({ text: problemText(caught, "The vacancy could not be loaded."), error: true }))
      .finally(() => setLoading(false));
  }, [vacancyId]);
  const owner = vacancy?.companyId ?? companyId ?? "";
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const text = (key: keyof Form) => (e: Event) => set({ [key]: (e.target as HTMLInputElement).value } as Partial<Form>);
  /** A menu of one of the form's closed lists, its name the form's field. */
  const choice = (
    key: "seniority" | "employmentType" | "currency" | "period",
    label: string,
    values: readonly string[],
    labels?: Readonly<Record<string, string>>,
  ) => <Choice label={label} name={key} values={values} labels={labels} value={form[key]} onChange={(v) => set({ [key]: v } as Partial<Form>)} />;

  /** Runs one action, showing its outcome in words. */
  const act = async (work: () => Promise<string | null>) => {
    setBusy(true);
    setMessage(null);
    try {
      const done = await work();
      if (done) setMessage({ text: done });
    } catch (caught) {
      setMessage({ text: problemText(caught, "That did not work; try again."), error: true });
    } finally {
      setBusy(false);
    }
  };
  /** Saves the form (creating the draft the first time); the saved vacancy, or null with the reason shown. */
  const save = async (): Promise<Vacancy | null> => {
    const input = inputOf(form);
    if ("problem" in input) {
      setMessage({ text: input.problem, error: true });
      return null;
    }
    const saved = vacancy ? await updateVacancy(vacancy.id, input) : await createVacancy(owner, input);
    setVacancy(saved);
    if (!vacancy) navigate(`/app/jobs/vacancies/${saved.id}/edit`, { replace: true });
    return saved;
  };
  const saveDraft = (event: Event) => {
    event.preventDefault();
    void act(async () => ((await save()) ? "Saved." : null));
  };
  const publish = (at?: string) =>
    act(async () => {
      const saved = vacancy?.status === "closed" ? vacancy : await save();
      if (!saved) return null;
      const done = await publishVacancy(saved.id, at ? new Date(at).toISOString() : undefined);
      setVacancy(done);
      return done.status === "scheduled" ? `Scheduled for ${dateTime(done.publishAt ?? at ?? "")}.` : "Published: candidates can find it now.";
    });
  const status = vacancy?.status ?? "draft";
  const closed = status === "closed";

  if (loading) return <p class="muted">Loading…</p>;
  return (
    <div class="jobs-editor">
      <div class="row spread">
        <h2>{vacancy ? "Edit the vacancy" : "New vacancy"}</h2>
        <span class={`jobs-badge status-${status}`}>{STATUS_WORDS[status]}</span>
      </div>
      {!vacancy && owner && <AiDraft companyId={owner} />}
      <form class="card jobs-form" onSubmit={saveDraft} aria-label="Vacancy">
        <fieldset disabled={closed} class="jobs-fields">
          <label>
            Title
            <input name="title" value={form.title} required maxLength={200} onInput={text("title")} />
          </label>
          <label>
            Description
            <textarea name="description" rows={8} maxLength={20_000} value={form.description} onInput={text("description")} />
          </label>
          <div class="jobs-filter-row">
            <label>
              Role
              <input name="role" value={form.role} placeholder="backend" maxLength={60} required onInput={text("role")} />
            </label>
            {choice("seniority", "Seniority", SENIORITIES, SENIORITY_WORDS)}
            {choice("employmentType", "Employment", EMPLOYMENT_TYPES, EMPLOYMENT_WORDS)}
          </div>
          <fieldset class="jobs-salary">
            <legend>Salary range (optional)</legend>
            <div class="jobs-filter-row">
              <label>
                From
                <input name="salaryMin" inputMode="numeric" value={form.salaryMin} onInput={text("salaryMin")} />
              </label>
              <label>
                To
                <input name="salaryMax" inputMode="numeric" value={form.salaryMax} onInput={text("salaryMax")} />
              </label>
              {choice("currency", "Currency", CURRENCIES)}
              {choice("period", "Per", PERIODS, PERIOD_WORDS)}
            </div>
          </fieldset>
          <label class="check">
            <input type="checkbox" name="remote" checked={form.remote} onChange={(e: Event) => set({ remote: (e.target as HTMLInputElement).checked })} />
            Remote work possible
          </label>
          <PlacePicker value={form.place} onChange={(place) => set({ place })} />
          <label>
            Tags (comma-separated)
            <input name="tags" value={form.tags} placeholder="go, postgres" onInput={text("tags")} />
          </label>
        </fieldset>
        {message && (
          <p class={message.error ? "error" : "small"} role={message.error ? "alert" : "status"}>
            {message.text}
          </p>
        )}
        <div class="row end wrap">
          <button type="button" class="secondary" onClick={() => setPreview(!preview)} aria-expanded={preview ? "true" : "false"}>
            {preview ? "Hide preview" : "Preview"}
          </button>
          {!closed && (
            <button type="submit" class="secondary" disabled={busy}>
              {status === "draft" ? "Save draft" : "Save changes"}
            </button>
          )}
          {status === "draft" && (
            <button type="button" class="primary" disabled={busy} onClick={() => void publish()}>
              Publish now
            </button>
          )}
        </div>
      </form>
      {preview && <Preview form={form} />}
      {vacancy && (
        <section class="card jobs-form" aria-label="Publishing">
          {status === "draft" && (
            <div class="jobs-filter-row end">
              <label>
                Publish at
                <input type="datetime-local" name="publishAt" value={when} onInput={(e: Event) => setWhen((e.target as HTMLInputElement).value)} />
              </label>
              <button type="button" class="secondary" disabled={busy || !when} onClick={() => void publish(when)}>
                Schedule
              </button>
            </div>
          )}
          <div class="row wrap">
            {status !== "draft" && status !== "scheduled" && (
              <a class="button-link secondary" href={`/app/jobs/vacancies/${vacancy.id}`}>
                Open its page
              </a>
            )}
            {(status === "published" || status === "scheduled") && (
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    setVacancy(await closeVacancy(vacancy.id));
                    return "Closed: it left the board; its applicants were told.";
                  })
                }
              >
                Close the vacancy
              </button>
            )}
            {closed && (
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    setVacancy(await reopenVacancy(vacancy.id));
                    return "Reopened as a draft: edit it and publish it again.";
                  })
                }
              >
                Reopen
              </button>
            )}
            <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
              Delete
            </button>
          </div>
        </section>
      )}
      {confirming && vacancy && (
        <ConfirmDialog
          title="Delete the vacancy?"
          text="It leaves the board and cannot be restored. Its applications stay with their candidates."
          confirmLabel="Delete"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await deleteVacancy(vacancy.id);
            navigate(`/app/jobs/companies/${vacancy.companyId}`);
          }}
        />
      )}
    </div>
  );
}

/** The vacancy as candidates will see it, from the form as it stands. */
function Preview({ form }: { form: Form }) {
  // It opens under the form's last buttons, below the fold on a phone and often on a laptop:
  // brought into view, so that pressing Preview visibly shows something.
  const shown = useRef<HTMLElement | null>(null);
  useEffect(() => shown.current?.scrollIntoView({ block: "nearest" }), []);
  const input = inputOf(form);
  if ("problem" in input)
    return (
      <p class="muted card" ref={shown}>
        {input.problem}
      </p>
    );
  const salary = salaryText(input.salary);
  return (
    <article class="card jobs-vacancy-main jobs-preview" aria-label="Preview" ref={shown}>
      <p class="muted small">Preview: how candidates will see it</p>
      <h3>{input.title}</h3>
      <div class="jobs-meta">
        {input.location && <span>{input.location.place}</span>}
        {input.remote && <span>Remote</span>}
        {salary && <span>{salary}</span>}
        <span>{kindOfJob(input)}</span>
      </div>
      {input.tags.length > 0 && (
        <div class="jobs-tags">
          {input.tags.map((tag) => (
            <span class="jobs-tag">{tag}</span>
          ))}
        </div>
      )}
      <p class="jobs-description">{input.description || "No description."}</p>
    </article>
  );
}

/** Notes in, a draft vacancy out: the AI writes it on the queue; the screen polls until it is ready. */
function AiDraft({ companyId }: { companyId: string }) {
  const [notes, setNotes] = useState("");
  const [state, setState] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async (event: Event) => {
    event.preventDefault();
    if (!notes.trim()) return setState({ text: "Write a few notes about the job first.", error: true });
    setBusy(true);
    setState({ text: "The AI is writing the draft…" });
    try {
      const task = await requestDraft(companyId, notes.trim());
      for (let i = 0; i < 60; i++) {
        const draft = await draftStatus(task.id);
        if (draft.status === "completed" && draft.vacancy) return navigate(`/app/jobs/vacancies/${draft.vacancy.id}/edit`);
        if (draft.status === "failed") return setState({ text: "The AI could not write a usable draft; try other notes, or write it yourself.", error: true });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      setState({ text: "The draft is taking long; it will appear among the company's drafts when ready." });
    } catch (caught) {
      setState({ text: problemText(caught, "The AI draft is not available now; write the vacancy yourself."), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="card jobs-ai-draft">
      <summary>Ask the AI for a draft</summary>
      <form class="jobs-form" onSubmit={ask}>
        <label>
          Notes about the job
          <textarea
            rows={3}
            maxLength={5000}
            value={notes}
            onInput={(e: Event) => {
              setNotes((e.target as HTMLTextAreaElement).value);
              // A refusal ("write a few notes first", a draft that failed) is about the notes as they were.
              if (state?.error) setState(null);
            }}
          />
        </label>
        <div class="row end">
          <button type="submit" class="secondary" disabled={busy}>
            Write a draft
          </button>
        </div>
        {state && (
          <p class={state.error ? "error" : "small"} role={state.error ? "alert" : "status"}>
            {state.text}
          </p>
        )}
      </form>
    </details>
  );
}
