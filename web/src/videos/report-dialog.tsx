// Reporting a video to the moderators: a category and, if wanted, a few words.
import { useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";
import { ModalDialog } from "../modal-dialog";

const CATEGORIES = [
  ["spam", "Spam"],
  ["abuse", "Harassment or abuse"],
  ["sexual", "Sexual content"],
  ["violence", "Violence"],
  ["copyright", "Copyright"],
  ["misleading", "Misleading"],
  ["other", "Something else"],
] as const;

type Category = (typeof CATEGORIES)[number][0];

export function ReportDialog({ videoId, onClose }: { videoId: string; onClose: () => void }) {
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = String(data.get("text") ?? "").trim();
    try {
      await ok(
        platform.api.v1.videos[":id"].reports.$post({
          param: { id: videoId },
          json: { category: String(data.get("category")) as Category, ...(text ? { text } : {}) },
        }),
      );
      setSent("Thank you. The moderators will look at it.");
    } catch (caught) {
      if (caught instanceof ProblemError && caught.code === "already_reported") setSent("You reported this video already.");
      else setError(problemText(caught, "Could not send the report."));
    }
  };
  return (
    <ModalDialog label="Report this video" onClose={onClose} onSubmit={submit}>
      <h2>Report this video</h2>
      {sent ? (
        <p role="status">{sent}</p>
      ) : (
        <>
          <label>
            What is wrong with it?
            <select name="category" required>
              {CATEGORIES.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </label>
          <label>
            Anything the moderators should know
            <textarea name="text" rows={3} maxlength={2000} />
          </label>
        </>
      )}
      <ProblemNote text={error} />
      <div class="row end">
        <button type="button" class="secondary" onClick={onClose}>
          {sent ? "Close" : "Cancel"}
        </button>
        {!sent && (
          <button type="submit" class="primary">
            Send report
          </button>
        )}
      </div>
    </ModalDialog>
  );
}
