// "Are you sure?" for what cannot be undone (deleting a picture or a video).
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

export function ConfirmDialog({
  title,
  text,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  text: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = useRef<HTMLButtonElement | null>(null);
  // The safe answer has the focus, so Enter right away does not destroy anything.
  useEffect(() => cancel.current?.focus(), []);
  const confirm = async () => {
    setWorking(true);
    try {
      await onConfirm();
    } catch (caught) {
      setError(problemText(caught, "That did not work."));
      setWorking(false);
    }
  };
  return (
    <div
      class="dialog-backdrop"
      onClick={(e: Event) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e: KeyboardEvent) => e.key === "Escape" && onClose()}
    >
      <div class="dialog" role="alertdialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        <p>{text}</p>
        <ProblemNote text={error} />
        <div class="row end">
          <button type="button" class="secondary" ref={cancel} onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="primary danger" disabled={working} onClick={() => void confirm()}>
            {working ? "Working…" : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
