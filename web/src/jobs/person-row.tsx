// One person in a list (followers, following, who viewed): avatar, name linking to their jobs
// profile, headline and a note.
import { Avatar } from "../chat-list";

export interface PersonSummary {
  userId: string;
  displayName: string;
  avatarUrl: string | null;
  headline: string;
}

export function PersonRow({ person, note }: { person: PersonSummary; note?: string }) {
  return (
    <li class="jobs-person">
      <Avatar label={person.displayName} colourKey={person.userId} size={36} src={person.avatarUrl} />
      <span class="jobs-person-text">
        <a href={`/app/jobs/people/${person.userId}`} class="jobs-person-name">
          {person.displayName}
        </a>
        {person.headline && <span class="muted small">{person.headline}</span>}
        {note && <span class="muted small">{note}</span>}
      </span>
    </li>
  );
}
