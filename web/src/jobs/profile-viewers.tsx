// Who viewed the candidate's profile: signed-in people, one line per person and day, for as long
// as the server keeps views (90 days).
import { useEffect, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { profileViewers, type ProfileViewer } from "./candidate-api";
import { PersonRow } from "./person-row";

export function ProfileViewers() {
  const [viewers, setViewers] = useState<ProfileViewer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    profileViewers()
      .then((page) => setViewers(page.items))
      .catch((caught) => setError(problemText(caught)));
  }, []);
  const day = (iso: string) => new Date(`${iso}T12:00:00Z`).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  return (
    <section class="card" aria-label="Who viewed your profile">
      <h2>Who viewed your profile</h2>
      {error && <p class="error">{error}</p>}
      {viewers?.length === 0 && <p class="muted small">Nobody signed in has viewed your profile in the last 90 days. Share its link, or apply to a vacancy.</p>}
      <ul class="jobs-plain-list">
        {(viewers ?? []).map((viewer) => (
          <PersonRow person={viewer} note={`Viewed on ${day(viewer.day)}`} />
        ))}
      </ul>
    </section>
  );
}
