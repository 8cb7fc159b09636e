// The candidate's own profile (/app/jobs/profile): everything the API holds about them as a
// candidate (headline, about, tags, place, links, who can see it, video introduction), the counts others see,
// the AI analysis and who viewed the profile.
import { useEffect, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { editProfile, myProfile, type Profile } from "./candidate-api";
import { Choice, PROFILE_VISIBILITIES, PROFILE_VISIBILITY_WORDS, type ProfileVisibility } from "./choices";
import { type Place, PlacePicker } from "./place-picker";
import { ProfileAnalysis } from "./profile-analysis";
import { ProfileViewers } from "./profile-viewers";
import { IntroVideoCard } from "./intro-video-card";

interface LinkRow {
  label: string;
  url: string;
}

const MAX_LINKS = 10;

export function ProfileEditor() {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    myProfile()
      .then(setProfile)
      .catch((caught) => setError(problemText(caught)));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!profile) return <p class="muted">Loading…</p>;
  return (
    <div class="jobs-profile">
      <p class="row wrap jobs-profile-counts">
        <a href="/app/jobs/network">{profile.followerCount === 1 ? "1 follower" : `${profile.followerCount} followers`}</a>
        <a href="/app/jobs/network">{`${profile.followingCount} following`}</a>
        <span>{profile.viewCount === 1 ? "1 profile view" : `${profile.viewCount ?? 0} profile views`}</span>
        <a class="button-link secondary small" href={`/app/jobs/people/${profile.userId}`}>
          See it as others do
        </a>
      </p>
      <ProfileForm profile={profile} onSaved={setProfile} />
      <IntroVideoCard profile={profile} onChanged={setProfile} />
      <ProfileAnalysis onTagsAdded={setProfile} tags={profile.tags} />
      <ProfileViewers />
    </div>
  );
}

function ProfileForm({ profile, onSaved }: { profile: Profile; onSaved: (profile: Profile) => void }) {
  const [place, setPlace] = useState<Place | null>(profile.location);
  const [links, setLinks] = useState<LinkRow[]>(profile.links.map((link) => ({ label: link.label ?? "", url: link.url })));
  const [visibility, setVisibility] = useState<ProfileVisibility>(profile.visibility ?? "everyone");
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    try {
      const saved = await editProfile({
        headline: String(form.get("headline") ?? "").trim(),
        bio: String(form.get("bio") ?? ""),
        tags: String(form.get("tags") ?? "")
          .split(",")
          .map((tag) => tag.trim())
          .filter(Boolean),
        location: place,
        links: links.filter((link) => link.url.trim()).map((link) => ({ label: link.label.trim() || null, url: link.url.trim() })),
        visibility,
      });
      onSaved(saved);
      setLinks(saved.links.map((link) => ({ label: link.label ?? "", url: link.url })));
      setStatus({ text: "Profile saved", error: false });
    } catch (caught) {
      setStatus({ text: problemText(caught), error: true });
    } finally {
      setBusy(false);
    }
  };
  const setLink = (index: number, patch: Partial<LinkRow>) => setLinks(links.map((link, i) => (i === index ? { ...link, ...patch } : link)));

  return (
    <form class="card jobs-form" aria-label="Profile" onSubmit={save}>
      <h2>My profile</h2>
      <label>
        Headline
        <input name="headline" maxLength={160} value={profile.headline} placeholder="Backend engineer, Go and TypeScript" />
      </label>
      <label>
        About
        <textarea name="bio" rows={5} maxLength={5000} placeholder="What you do, what you look for">
          {profile.bio}
        </textarea>
      </label>
      <label>
        Tags (comma-separated)
        <input name="tags" value={profile.tags.join(", ")} placeholder="typescript, workers, remote" />
      </label>
      <PlacePicker value={place} onChange={setPlace} subject="yourself" />
      <fieldset class="jobs-links">
        <legend>Links</legend>
        {links.length === 0 && <p class="muted small">No links yet: add your site, portfolio or code.</p>}
        {links.map((link, index) => (
          <div class="jobs-filter-row">
            <label>
              {`Link ${index + 1} label`}
              <input
                value={link.label}
                maxLength={60}
                placeholder="Portfolio"
                onInput={(e: Event) => setLink(index, { label: (e.target as HTMLInputElement).value })}
              />
            </label>
            <label>
              {`Link ${index + 1} address`}
              <input
                type="url"
                value={link.url}
                placeholder="https://example.com"
                onInput={(e: Event) => setLink(index, { url: (e.target as HTMLInputElement).value })}
              />
            </label>
            <button type="button" class="secondary small" aria-label={`Remove link ${index + 1}`} onClick={() => setLinks(links.filter((_, i) => i !== index))}>
              Remove
            </button>
          </div>
        ))}
        {links.length < MAX_LINKS && (
          <button type="button" class="secondary small" onClick={() => setLinks([...links, { label: "", url: "" }])}>
            Add a link
          </button>
        )}
      </fieldset>
      <Choice
        label="Who can see my profile"
        name="visibility"
        values={PROFILE_VISIBILITIES}
        labels={PROFILE_VISIBILITY_WORDS}
        value={visibility}
        onChange={(value) => setVisibility(value as ProfileVisibility)}
        describedBy="profile-visibility-hint"
      />
      <p id="profile-visibility-hint" class="muted small">
        Companies you applied to always see your profile, whatever you choose here, so they can consider your application. People who may not see it do not find
        you in lists of followers either.
      </p>
      <div class="row wrap">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Saving…" : "Save profile"}
        </button>
        {status && (
          <span class={status.error ? "error" : "muted"} role="status">
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
