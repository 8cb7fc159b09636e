// Follow a company from its page: the button and the follower count (signed-in people only).
import { useEffect, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { type CompanyFollow, companyFollow, followCompany } from "./candidate-api";

export function FollowCompanyButton({ companyId, name }: { companyId: string; name: string }) {
  const [state, setState] = useState<CompanyFollow | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    companyFollow(companyId)
      .then(setState)
      .catch((caught) => setError(problemText(caught)));
  }, [companyId]);
  const toggle = async () => {
    if (!state) return;
    try {
      setState(await followCompany(companyId, !state.following));
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  return (
    <div class="row wrap">
      <button
        type="button"
        class={state?.following ? "secondary" : "primary"}
        disabled={!state}
        aria-pressed={state?.following ? "true" : "false"}
        aria-label={state?.following ? `Following ${name}` : `Follow ${name}`}
        onClick={() => void toggle()}
      >
        {state?.following ? "Following" : "Follow"}
      </button>
      {state && <span class="muted small">{state.followerCount === 1 ? "1 follower" : `${state.followerCount} followers`}</span>}
      {error && (
        <span class="error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
