// "Are you sure?" for what cannot be undone (deleting a picture or a video).
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";
import { ModalDialog } from "../modal-dialog";

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
    <ModalDialog role="alertdialog" label={title} onClose={onClose}>
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
    </ModalDialog>
  );
}
