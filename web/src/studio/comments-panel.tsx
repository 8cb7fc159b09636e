// A box's comments: visitors' (through share links) and the owner's answers. Comments that came
// since the owner last looked are marked New, then the box is marked read.
import { useEffect, useState } from "hono/jsx/dom";
import { type Comment, problemText, studioApi } from "./studio-api";
import { dateTime } from "../format";
import { ProblemNote } from "../problem-note";

export function CommentsPanel({ boxId, unread, onRead }: { boxId: string; unread: number; onRead: () => void }) {
  const [comments, setComments] = useState<Comment[] | null>(null);
  const [newIds, setNewIds] = useState<Set<string>>(new Set());
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    studioApi.comments(boxId).then(
      async (items) => {
        if (!live) return;
        // Newest first: the first `unread` visitors' comments came after the read mark.
        setNewIds(
          new Set(
            items
              .filter((c) => !c.byOwner)
              .slice(0, unread)
              .map((c) => c.id),
          ),
        );
        setComments(items);
        if (unread > 0) {
          await studioApi.markRead(boxId).catch(() => undefined);
          onRead();
        }
      },
      (caught) => setError(problemText(caught)),
    );
    return () => {
      live = false;
    };
  }, [boxId]);

  const send = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    try {
      const comment = await studioApi.comment(boxId, text.trim());
      setComments((list) => [comment, ...(list ?? [])]);
      setText("");
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    }
  };

  return (
    <section class="studio-panel" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments {newIds.size > 0 && <span class="badge">{newIds.size} new</span>}</h2>
      {comments === null ? (
        <p class="muted">Loading…</p>
      ) : comments.length === 0 ? (
        <p class="muted small">No comments yet. People you share the project with can comment on this box.</p>
      ) : (
        <ol class="studio-comments">
          {comments.map((comment) => (
            <li class={newIds.has(comment.id) ? "unread" : ""} data-testid="studio-comment">
              <div>
                <strong>{comment.authorName}</strong>
                {comment.byOwner ? <span class="studio-chip">You</span> : <span class="studio-chip">Visitor</span>}
                {newIds.has(comment.id) && <span class="studio-chip new">New</span>}
                <span class="muted small"> {dateTime(comment.createdAt)}</span>
              </div>
              <p>{comment.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form class="studio-comment-form" onSubmit={send}>
        <label>
          Answer
          <textarea rows={2} maxLength={4000} value={text} onInput={(e: Event) => setText((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" class="secondary small">
          Post
        </button>
      </form>
      <ProblemNote text={error} />
    </section>
  );
}
