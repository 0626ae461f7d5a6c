import { useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';

/** "Stop coder-1?" with an optional reason; the action runs only after the confirm button. */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirm: string;
  danger?: boolean;
  /** what the free text is called (default a reason kept in the history); null: no free text, the command takes none */
  label?: string | null;
  /** the button that leaves things as they are (default "Cancel") */
  dismiss?: string;
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(reason.trim());
      props.onClose();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose} testId="confirm-dialog">
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <p>{props.body}</p>
        {props.label === null ? null : (
          <label>
            {props.label ?? 'Reason (kept in the history)'}
            <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={500} placeholder="optional" />
          </label>
        )}
        <ErrorNote error={error} />
        <div class="row end">
          <button type="button" onClick={props.onClose}>
            {props.dismiss ?? 'Cancel'}
          </button>
          <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={busy} data-testid="confirm">
            {busy ? 'Sending…' : props.confirm}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
