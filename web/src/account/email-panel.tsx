// Whether the account's e-mail address is confirmed, and a new confirmation e-mail on request.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

export function EmailPanel() {
  const [me, setMe] = useState<{ email: string; emailVerified: boolean } | null>(null);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ok(platform.api.v1.me.$get())
      .then(({ user }) => setMe(user))
      .catch((caught) => setError(problemText(caught, "Could not load your address.")));
  }, []);
  const resend = async () => {
    setError(null);
    try {
      // 202 with no body: ok() would try to read JSON from it, so only a refusal goes through ok().
      const response = await platform.api.v1.auth.email.verification.$post();
      if (!response.ok) await ok(response);
      setSent(true);
    } catch (caught) {
      setError(problemText(caught, "Could not send the e-mail."));
    }
  };
  if (!me) return <ProblemNote text={error} />;
  return (
    <div class="stack">
      <p>
        <strong>{me.email}</strong>{" "}
        {me.emailVerified ? (
          <span class="tag" data-testid="email-status">
            Confirmed
          </span>
        ) : (
          <span class="tag warning" data-testid="email-status">
            Not confirmed yet
          </span>
        )}
      </p>
      {!me.emailVerified && (
        <div class="row">
          <p class="muted small grow">We sent a link to this address when you signed up. Open it to confirm the address is yours.</p>
          <button type="button" class="secondary" onClick={resend} disabled={sent}>
            {sent ? "Sent: check your inbox" : "Send the link again"}
          </button>
        </div>
      )}
      <ProblemNote text={error} />
    </div>
  );
}
