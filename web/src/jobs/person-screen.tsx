// Someone's jobs profile (/app/jobs/people/:userId): headline, about, tags, place, links, their
// video introduction when it is approved, and a follow button. Opening it counts a view.
import { useEffect, useState } from "hono/jsx/dom";
import { Avatar } from "../chat-list";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { followPerson, type Profile, profileOf } from "./candidate-api";

export function PersonScreen({ userId }: { userId: string }) {
  const { me } = useAppState();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    profileOf(userId)
      .then(setProfile)
      .catch((caught) => setError(problemText(caught)));
  }, [userId]);
  if (error) return <p class="error">{error}</p>;
  if (!profile) return <p class="muted">Loading…</p>;
  const own = me?.id === profile.userId;
  const toggle = async () => {
    setBusy(true);
    try {
      setProfile(await followPerson(profile.userId, !profile.followedByMe));
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="card jobs-person-page" aria-label={profile.displayName}>
      <header class="row wrap jobs-person-head">
        <Avatar label={profile.displayName} colourKey={profile.userId} size={64} src={profile.avatarUrl} />
        <div class="grow">
          <h2>{profile.displayName}</h2>
          {profile.headline && <p>{profile.headline}</p>}
          <p class="muted small">
            {profile.followerCount === 1 ? "1 follower" : `${profile.followerCount} followers`} · {profile.followingCount} following
            {profile.location && ` · ${profile.location.place}`}
          </p>
        </div>
        {own ? (
          <a href="/app/jobs/profile" class="button-link">
            Edit my profile
          </a>
        ) : (
          <button
            type="button"
            class={profile.followedByMe ? "secondary" : "primary"}
            disabled={busy}
            aria-pressed={profile.followedByMe ? "true" : "false"}
            onClick={() => void toggle()}
          >
            {profile.followedByMe ? "Following" : "Follow"}
          </button>
        )}
      </header>
      {profile.video && (
        <a href={`/app/videos/${profile.video.id}`} class="jobs-video">
          {profile.video.thumbnailUrl ? <img src={profile.video.thumbnailUrl} alt="" /> : <span class="jobs-video-placeholder" aria-hidden="true" />}
          <span>Watch the video introduction</span>
        </a>
      )}
      {profile.bio && <p class="jobs-description">{profile.bio}</p>}
      {profile.tags.length > 0 && (
        <div class="jobs-tags">
          {profile.tags.map((tag) => (
            <span class="jobs-tag">{tag}</span>
          ))}
        </div>
      )}
      {profile.links.length > 0 && (
        <ul class="jobs-plain-list">
          {profile.links.map((link) => (
            <li>
              {/* Where a labelled link goes is said beside it: a visitor sees the site before leaving for it. */}
              <a href={link.url} rel="noopener noreferrer nofollow" target="_blank" class="jobs-person-link">
                {link.label ?? new URL(link.url).host}
              </a>
              {link.label && <span class="muted small"> · {new URL(link.url).host}</span>}
            </li>
          ))}
        </ul>
      )}
      {!profile.bio && profile.tags.length === 0 && !profile.headline && (
        <p class="muted">{own ? "Your profile is empty: fill it in so recruiters find you." : "This profile is still empty."}</p>
      )}
    </article>
  );
}
