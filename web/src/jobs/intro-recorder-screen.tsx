// Recording the profile's video introduction (/app/jobs/profile/intro): the assistant suggests a
// script and talking points from the profile (and, when picked, a vacancy applied to); the script
// can be edited, then scrolls as a teleprompter beside the camera while recording; the take is
// watched, recorded again or uploaded as a video and set as the profile's introduction.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { navigate } from "../router";
import { useAppState } from "../store";
import { getVacancy, myApplications } from "./api";
import { editProfile, introScript, startIntroScript, untilDone } from "./candidate-api";
import type { Application } from "./model";
import { AI_FAILED, aiProblemText } from "./profile-analysis";
import { Teleprompter } from "./teleprompter";
import { VideoRecorder } from "./video-recorder";
import { ProblemNote } from "../problem-note";

export function IntroRecorderScreen() {
  const { me } = useAppState();
  const [choices, setChoices] = useState<{ id: string; title: string }[]>([]);
  const [vacancyId, setVacancyId] = useState(new URLSearchParams(location.search).get("vacancy") ?? "");
  const [script, setScript] = useState("");
  const [points, setPoints] = useState<string[]>([]);
  const [asking, setAsking] = useState(false);
  const [scriptError, setScriptError] = useState<string | null>(null);
  const [upload, setUpload] = useState<{ percent: number } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  // The vacancies to tailor the script to: those applied to, and the one this page was opened from.
  useEffect(() => {
    const asked = new URLSearchParams(location.search).get("vacancy");
    Promise.all([myApplications().catch((): Application[] => []), asked ? getVacancy(asked).catch(() => null) : null]).then(([applications, opened]) => {
      const all = [...(opened ? [{ id: opened.id, title: opened.title }] : []), ...applications.map((a) => ({ id: a.vacancy.id, title: a.vacancy.title }))];
      setChoices(all.filter((choice, i) => all.findIndex((other) => other.id === choice.id) === i));
    });
  }, []);

  const suggest = async () => {
    setAsking(true);
    setScriptError(null);
    try {
      const id = await startIntroScript(vacancyId || undefined);
      const task = await untilDone(() => introScript(id));
      if (task.status === "completed" && task.script) {
        setScript(task.script.script);
        setPoints(task.script.talkingPoints);
      } else setScriptError(task.status === "pending" ? "The assistant is taking long. Try again in a minute." : AI_FAILED);
    } catch (caught) {
      setScriptError(aiProblemText(caught));
    } finally {
      setAsking(false);
    }
  };

  const use = async (file: File) => {
    setUploadError(null);
    setUpload({ percent: 0 });
    try {
      const { video, upload: target } = await ok(
        platform.api.v1.videos.$post({
          json: { title: `${me?.displayName ?? "My"} – video introduction`.slice(0, 200), tags: ["introduction"], isPublic: true, size: file.size },
        }),
      );
      await platform.uploadVideo(target, file, { onProgress: (p) => setUpload({ percent: p.total > 0 ? Math.round((p.sent / p.total) * 100) : 0 }) });
      await editProfile({ videoId: video.id });
      navigate("/app/jobs/profile");
    } catch (caught) {
      setUpload(null);
      setUploadError(problemText(caught, "The upload failed. Try again."));
    }
  };

  return (
    <div class="jobs-intro">
      <p>
        <a href="/app/jobs/profile">Back to my profile</a>
      </p>
      <section class="card jobs-form" aria-label="Script">
        <h2>Your video introduction</h2>
        <p class="muted small">Say who you are, what you do best and what you look for, in about a minute.</p>
        <div class="jobs-filter-row">
          <label>
            Tailor it to a vacancy
            <select value={vacancyId} onChange={(e: Event) => setVacancyId((e.target as HTMLSelectElement).value)}>
              <option value="">No particular vacancy</option>
              {choices.map((choice) => (
                <option value={choice.id} selected={choice.id === vacancyId}>
                  {choice.title}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="secondary" disabled={asking} onClick={() => void suggest()}>
            {asking ? "Writing a script…" : script ? "Suggest another script" : "Suggest a script"}
          </button>
        </div>
        {asking && (
          <p class="muted small" role="status">
            The assistant is writing from your profile…
          </p>
        )}
        <ProblemNote text={scriptError} />
        {points.length > 0 && (
          <>
            <h3>Talking points</h3>
            <ul class="jobs-advice">
              {points.map((point) => (
                <li>{point}</li>
              ))}
            </ul>
          </>
        )}
        <label>
          Script (yours to change)
          <textarea
            rows={6}
            value={script}
            placeholder="Write what you will say, or ask for a suggestion"
            onInput={(e: Event) => setScript((e.target as HTMLTextAreaElement).value)}
          />
        </label>
      </section>
      <VideoRecorder
        busy={upload !== null}
        useLabel="Upload as my introduction"
        onUse={(file) => void use(file)}
        beside={(recording) =>
          script.trim() ? <Teleprompter script={script} running={recording} /> : <p class="muted small">No script: you can still record freely.</p>
        }
      />
      {upload && (
        <div class="row">
          <span
            class="progress grow"
            role="progressbar"
            aria-label="Uploading the introduction"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={upload.percent}
          >
            <span style={{ width: `${upload.percent}%` }} />
          </span>
          <span class="muted small">{upload.percent}%</span>
        </div>
      )}
      <ProblemNote text={uploadError} />
    </div>
  );
}
