/** Step 1: choose the PSA. One integration at a time: switching means removing the current one first. */
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { PSA_KINDS, type PsaKind, type Settings } from '../../../preload/contract';
import { errorMessage } from '../api';
import { PSA_LABELS } from '../labels';
import { useRemoveIntegration, useSaveSettings } from '../queries';

const REMOVED: Record<PsaKind, string> = {
  connectwise: 'the ConnectWise site, company ID, public and private keys and client ID (from the keychain), and the ticketing settings (board, status, priority, type, subtype, item, threshold)',
  autotask: 'the Autotask API username, secret and tracking identifier (from the keychain), the material billing code, and the ticketing settings (queue, status, priority, issue and sub-issue type, threshold)',
};

export function PsaStep({ settings, onContinue }: { settings: Settings; onContinue: () => void }) {
  const current = settings.psa.kind;
  const save = useSaveSettings();
  const [picked, setChoice] = useState<PsaKind | null>(null);
  const [confirming, setConfirming] = useState(false);
  const choice = current ?? picked;

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (current) { onContinue(); return; }
    if (!choice) return;
    save.mutate({ psa: { kind: choice } }, { onSuccess: onContinue });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="step-psa-heading">
      <h2 id="step-psa-heading">Step 1 of 4: Select your PSA</h2>
      <fieldset disabled={current !== null}>
        <legend>Which PSA should Umbrella PSA Sync keep up to date?</legend>
        {PSA_KINDS.map((option) => (
          <label key={option} className="radio">
            <input type="radio" name="psa-kind" value={option} checked={choice === option} onChange={() => { setChoice(option); }} />
            {PSA_LABELS[option]}
          </label>
        ))}
      </fieldset>
      {current ? (
        <p className="hint">
          {PSA_LABELS[current]} is set up. One PSA at a time: to switch, remove this integration first.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={save.isPending || choice === null}>Continue</button>
        {current ? <button type="button" className="danger" onClick={() => { setConfirming(true); }}>Remove integration…</button> : null}
        {save.isError ? <span role="alert" className="error">{errorMessage(save.error)}</span> : null}
      </div>
      {current && confirming ? (
        <RemoveDialog kind={current} mapped={Object.values(settings.mappings).filter((m) => m.psaCompany).length} onClose={() => { setConfirming(false); }} />
      ) : null}
    </form>
  );
}

/** The confirmation says exactly what is kept and what is removed; nothing is deleted in the PSA. */
function RemoveDialog({ kind, mapped, onClose }: { kind: PsaKind; mapped: number; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const remove = useRemoveIntegration();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => { dialog?.close(); };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="remove-heading" aria-describedby="remove-details" onClose={onClose}>
      <h3 id="remove-heading">Remove the {PSA_LABELS[kind]} integration?</h3>
      <div id="remove-details">
        <p><strong>Kept:</strong> the mapping of {String(mapped)} customer{mapped === 1 ? '' : 's'} to PSA companies, the Cisco Umbrella API key and secret, and the run history.</p>
        <p><strong>Removed:</strong> {REMOVED[kind]}.</p>
        <p className="hint">Nothing is deleted in the PSA: configurations and tickets already created stay there. Syncs and ticket checks stop until a PSA is set up again.</p>
      </div>
      <div className="actions">
        <button type="button" className="danger" disabled={remove.isPending} onClick={() => { remove.mutate(undefined, { onSuccess: onClose }); }}>
          {remove.isPending ? 'Removing…' : 'Remove integration'}
        </button>
        <button type="button" className="secondary" autoFocus onClick={onClose}>Cancel</button>
        {remove.isError ? <span role="alert" className="error">{errorMessage(remove.error)}</span> : null}
      </div>
    </dialog>
  );
}
