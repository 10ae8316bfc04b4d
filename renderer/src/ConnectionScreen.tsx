import { useState, type SyntheticEvent } from 'react';
import {
  CREDENTIAL_FIELDS,
  PSA_KINDS,
  SetCredentialsSchema,
  type CredentialKind,
  type CredentialsStatus,
  type PsaKind,
  type Settings,
} from '../../preload/contract';
import { errorMessage } from './api';
import { CREDENTIAL_FIELD_LABELS, CREDENTIAL_KIND_LABELS, PSA_LABELS } from './labels';
import { useClearCredentials, useCredentialsStatus, useSaveSettings, useSetCredentials, useSettings, useTestConnection } from './queries';

export function ConnectionScreen() {
  const settings = useSettings();
  const credentials = useCredentialsStatus();
  if (settings.isPending || credentials.isPending) return <p aria-busy="true">Loading settings…</p>;
  if (settings.isError) return <p role="alert" className="error">{errorMessage(settings.error)}</p>;
  if (credentials.isError) return <p role="alert" className="error">{errorMessage(credentials.error)}</p>;
  const kinds: CredentialKind[] = settings.data.psa.kind ? ['umbrella', settings.data.psa.kind] : ['umbrella'];
  return (
    <div className="stack">
      <PsaForm settings={settings.data} />
      {kinds.map((kind) => (
        <CredentialsForm key={kind} kind={kind} status={credentials.data[kind]} />
      ))}
    </div>
  );
}

function PsaForm({ settings }: { settings: Settings }) {
  const save = useSaveSettings();
  const [kind, setKind] = useState<PsaKind | null>(settings.psa.kind);
  const [site, setSite] = useState(settings.connectwise.site);

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate({ psa: { kind }, connectwise: { site } });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="psa-heading">
      <h2 id="psa-heading">PSA</h2>
      <fieldset>
        <legend>Which PSA does this app keep up to date?</legend>
        {PSA_KINDS.map((option) => (
          <label key={option} className="radio">
            <input type="radio" name="psa-kind" value={option} checked={kind === option} onChange={() => { setKind(option); }} />
            {PSA_LABELS[option]}
          </label>
        ))}
      </fieldset>
      {kind === 'connectwise' ? (
        <label className="field">
          <span>ConnectWise site</span>
          <input value={site} onChange={(e) => { setSite(e.target.value); }} placeholder="na.myconnectwise.net" autoComplete="off" />
        </label>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={save.isPending}>Save</button>
        {save.isSuccess ? <span role="status">Saved.</span> : null}
        {save.isError ? <span role="alert" className="error">{errorMessage(save.error)}</span> : null}
      </div>
    </form>
  );
}

type KindStatus = CredentialsStatus[CredentialKind];

function CredentialsForm({ kind, status }: { kind: CredentialKind; status: KindStatus }) {
  const setCredentials = useSetCredentials();
  const clear = useClearCredentials();
  const test = useTestConnection();
  const fields: readonly string[] = CREDENTIAL_FIELDS[kind];
  const [values, setValues] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const headingId = `credentials-${kind}-heading`;
  const saved = status.fields as Record<string, boolean>;

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    const entered = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
    const parsed = SetCredentialsSchema.safeParse({ kind, values: entered });
    if (!parsed.success) {
      setFormError(parsed.error.issues.map((i) => i.message).join('; '));
      return;
    }
    setFormError(null);
    setCredentials.mutate(parsed.data, { onSuccess: () => { setValues({}); } });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby={headingId}>
      <h2 id={headingId}>{CREDENTIAL_KIND_LABELS[kind]} credentials</h2>
      <p className="hint">Kept in the operating system&apos;s keychain. Saved values are never shown again; type a new value to replace one.</p>
      {fields.map((field) => {
        const meta = CREDENTIAL_FIELD_LABELS[field] ?? { label: field, secret: true };
        const isSaved = saved[field] === true;
        return (
          <label key={field} className="field">
            <span>
              {meta.label} <em className={isSaved ? 'saved' : 'missing'}>{isSaved ? 'saved' : 'not saved'}</em>
            </span>
            <input
              name={`${kind}.${field}`}
              type={meta.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              value={values[field] ?? ''}
              placeholder={isSaved ? 'Saved — type to replace' : ''}
              onChange={(e) => { setValues({ ...values, [field]: e.target.value }); }}
            />
          </label>
        );
      })}
      <div className="actions">
        <button type="submit" disabled={setCredentials.isPending}>Save credentials</button>
        <button type="button" className="secondary" disabled={test.isPending || !status.complete} onClick={() => { test.mutate(kind === 'umbrella' ? 'umbrella' : 'psa'); }}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="secondary" disabled={clear.isPending} onClick={() => { clear.mutate(kind); }}>
          Remove saved credentials
        </button>
        {setCredentials.isSuccess ? <span role="status">Credentials saved.</span> : null}
        {formError ? <span role="alert" className="error">{formError}</span> : null}
        {setCredentials.isError ? <span role="alert" className="error">{errorMessage(setCredentials.error)}</span> : null}
        {clear.isError ? <span role="alert" className="error">{errorMessage(clear.error)}</span> : null}
      </div>
      {test.isSuccess ? <p role="status" className="saved">{test.data.message}</p> : null}
      {test.isError ? <p role="alert" className="error">{errorMessage(test.error)}</p> : null}
    </form>
  );
}
