// The pages e-mailed links land on: /verify-email?token= confirms the address, /reset-password?token=
// sets a new password. Plain pages of their own (no session needed), in the app's look.
import { render, useEffect, useState } from "hono/jsx/dom";
import { ProblemError } from "../../client";
import { problemText } from "./problem-text";
import { PRODUCT_NAME } from "./product";
import { ProblemNote } from "./problem-note";

const token = new URLSearchParams(location.search).get("token") ?? "";

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (response.ok) return;
  const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  throw new ProblemError(response.status, String(problem.code ?? "error"), String(problem.detail ?? problem.title ?? "Something went wrong"), problem);
}

const linkProblemText = (caught: unknown) =>
  caught instanceof ProblemError && caught.code === "invalid_token"
    ? "This link is no longer valid: it was used already or it expired. Ask for a new one."
    : problemText(caught);

function Card({ title, children }: { title: string; children: unknown }) {
  return (
    <main class="auth">
      <div class="auth-card">
        <div class="brand">
          <img src="/app/icon.svg" alt="" width="40" height="40" />
          <span>{PRODUCT_NAME}</span>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

function VerifyEmail() {
  const [state, setState] = useState<"working" | "done" | string>("working");
  useEffect(() => {
    post("/v1/auth/email/verify", { token }).then(
      () => setState("done"),
      (caught) => setState(linkProblemText(caught)),
    );
  }, []);
  return (
    <Card title="Confirm your e-mail">
      {state === "working" && <p class="muted">Confirming…</p>}
      {/* The way on is a button: as a link inside the sentence it was drawn as the sentence's own words. */}
      {state === "done" && (
        <>
          <p data-testid="verified">Your address is confirmed.</p>
          <a class="button-link" href="/app/">
            Open the app
          </a>
        </>
      )}
      <ProblemNote text={state !== "working" && state !== "done" && state} />
    </Card>
  );
}

function ResetPassword() {
  const [state, setState] = useState<"form" | "done">("form");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("again") ?? "")) return setError("The two passwords differ.");
    try {
      await post("/v1/auth/password/reset", { token, password });
      setState("done");
    } catch (caught) {
      const fields =
        caught instanceof ProblemError ? (caught.problem.errors as { message: string }[] | undefined)?.map((e) => e.message).join(". ") : undefined;
      setError(fields || linkProblemText(caught));
    }
  };
  return (
    <Card title="Choose a new password">
      {state === "done" ? (
        <>
          <p data-testid="password-reset">Your password is changed and every session signed out.</p>
          <a class="button-link" href="/app/">
            Sign in
          </a>
        </>
      ) : (
        <form class="stack" onSubmit={submit}>
          <label>
            New password
            <input name="password" type="password" autocomplete="new-password" required minlength={8} />
          </label>
          <label>
            The same again
            <input name="again" type="password" autocomplete="new-password" required minlength={8} />
          </label>
          <ProblemNote text={error} />
          <button type="submit" class="primary">
            Change password
          </button>
        </form>
      )}
    </Card>
  );
}

const root = document.getElementById("root");
if (root) render(location.pathname.startsWith("/reset-password") ? <ResetPassword /> : <VerifyEmail />, root);
