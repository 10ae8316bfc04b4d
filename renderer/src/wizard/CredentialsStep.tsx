/**
 * Step 2: the Umbrella and PSA credentials. "Save and continue" saves what was typed, tests both
 * vendors, and shows each vendor's specific error; the step is passed only when both connect (and,
 * for Autotask, a material billing code is chosen from the tenant's list).
 */
import { useState, type SyntheticEvent } from 'react';
import {
  ConnectWiseSettingsSchema,
  CREDENTIAL_FIELDS,
  SetCredentialsSchema,
  type CredentialKind,
  type CredentialsStatus,
  type PsaKind,
  type SetCredentialsRequest,
  type Settings,
} from '../../../preload/contract';
import { errorMessage } from '../api';
import { CREDENTIAL_FIELD_LABELS, CREDENTIAL_KIND_LABELS } from '../labels';
import { useBillingCodes, useSaveSettings, useSetCredentials, useTestConnection } from '../queries';
import { SelectField, TestResult, TextField } from './fields';
import { DEMO_CREDENTIALS } from '../../../simulators/demo-credentials';

type Values = Record<string, string>;
type Errors = Record<string, string>;
type Result = { ok: boolean; message: string };

const fieldsOf = (kind: CredentialKind): readonly string[] => CREDENTIAL_FIELDS[kind];
const labelOf = (field: string) => CREDENTIAL_FIELD_LABELS[field]?.label ?? field;

/** Checks one vendor's entries with the contract's schema; a field neither saved nor typed is missing. */
function validate(kind: CredentialKind, values: Values, saved: Record<string, boolean>, errors: Errors): SetCredentialsRequest | null {
  const entered = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
  for (const field of fieldsOf(kind)) {
    if (!saved[field] && entered[field] === undefined) errors[`${kind}.${field}`] = `Enter the ${labelOf(field)}`;
  }
  if (Object.keys(entered).length === 0) return null;
  const parsed = SetCredentialsSchema.safeParse({ kind, values: entered });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) errors[`${kind}.${issue.path.slice(1).map(String).join('.')}`] = issue.message;
  return null;
}

export function CredentialsStep(props: {
  kind: PsaKind;
  settings: Settings;
  credentials: CredentialsStatus;
  /** Both vendors connected with what is saved now (null: not tested in this session). */
  connected: boolean | null;
  /** Demo mode: the simulators' address, so the demo credentials can be filled in. */
  demo: { connectwiseSite: string | undefined } | null;
  onTested: (ok: boolean) => void;
  onContinue: () => void;
}) {
  const { kind, settings, credentials, connected } = props;
  const saveSettings = useSaveSettings();
  const setCredentials = useSetCredentials();
  const test = useTestConnection();
  const [values, setValues] = useState<Record<CredentialKind, Values>>({ umbrella: {}, connectwise: {}, autotask: {} });
  const [site, setSite] = useState(settings.connectwise.site);
  const [errors, setErrors] = useState<Errors>({});
  const [results, setResults] = useState<Partial<Record<'umbrella' | 'psa', Result>>>({});
  const [billingCode, setBillingCode] = useState<number | null>(settings.autotask.materialBillingCodeId);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const billingCodes = useBillingCodes(kind === 'autotask' && connected === true);

  const typed = Object.values(values).some((v) => Object.values(v).some((x) => x.trim() !== '')) || site !== settings.connectwise.site;

  const onSubmit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const found: Errors = {};
    // A new site forgets the ConnectWise keys saved for the old one (main does so): they are entered again.
    const siteChanged = kind === 'connectwise' && settings.connectwise.site !== '' && site.trim() !== settings.connectwise.site;
    const requests = (['umbrella', kind] as const).map((k) => validate(k, values[k], siteChanged && k === 'connectwise' ? {} : credentials[k].fields as Record<string, boolean>, found));
    let parsedSite: string | null = null;
    if (kind === 'connectwise') {
      const parsed = ConnectWiseSettingsSchema.shape.site.safeParse(site);
      if (!parsed.success) found['connectwise.site'] = parsed.error.issues[0]?.message ?? 'Enter the site';
      else if (parsed.data === '') found['connectwise.site'] = 'Enter the ConnectWise site, such as na.myconnectwise.net';
      else parsedSite = parsed.data;
    }
    setErrors(found);
    setFailure(null);
    setNotice(null);
    if (Object.keys(found).length > 0) return;

    try {
      if (typed || connected !== true) {
        setBusy('Saving…');
        if (parsedSite !== null && parsedSite !== settings.connectwise.site) await saveSettings.mutateAsync({ connectwise: { site: parsedSite } });
        for (const request of requests) if (request) await setCredentials.mutateAsync(request);
        setValues({ umbrella: {}, connectwise: {}, autotask: {} });
        setBusy('Testing both connections…');
        const [umbrella, psa] = await Promise.allSettled([test.mutateAsync('umbrella'), test.mutateAsync('psa')]);
        const result = (r: PromiseSettledResult<{ message: string }>): Result => (r.status === 'fulfilled' ? { ok: true, message: r.value.message } : { ok: false, message: errorMessage(r.reason) });
        const next = { umbrella: result(umbrella), psa: result(psa) };
        setResults(next);
        const ok = next.umbrella.ok && next.psa.ok;
        props.onTested(ok);
        if (!ok) return;
        if (kind === 'autotask' && connected !== true) {
          // The billing code list opens only now: let the user see and confirm the choice.
          setNotice('Both connections work. Choose the material billing code, then Save and continue.');
          return;
        }
      }
      if (kind === 'autotask') {
        if (billingCode === null) {
          setErrors({ billingCode: 'Pick the material billing code the Umbrella product is billed under' });
          return;
        }
        if (billingCode !== settings.autotask.materialBillingCodeId) await saveSettings.mutateAsync({ autotask: { materialBillingCodeId: billingCode } });
      }
      props.onContinue();
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const vendorSection = (k: CredentialKind, target: 'umbrella' | 'psa') => (
    <fieldset className="vendor" key={k}>
      <legend>{CREDENTIAL_KIND_LABELS[k]}</legend>
      {k === 'connectwise' ? (
        <TextField label="Site" name="connectwise.site" value={site} onChange={setSite} placeholder="na.myconnectwise.net" error={errors['connectwise.site']} />
      ) : null}
      {fieldsOf(k).map((field) => (
        <TextField
          key={field}
          name={`${k}.${field}`}
          label={labelOf(field)}
          secret={CREDENTIAL_FIELD_LABELS[field]?.secret ?? true}
          saved={(credentials[k].fields as Record<string, boolean>)[field] === true}
          value={values[k][field] ?? ''}
          onChange={(value) => { setValues({ ...values, [k]: { ...values[k], [field]: value } }); }}
          error={errors[`${k}.${field}`]}
        />
      ))}
      <TestResult result={results[target]} />
    </fieldset>
  );

  const fillDemo = () => {
    setValues({ ...values, umbrella: { ...DEMO_CREDENTIALS.umbrella }, [kind]: { ...DEMO_CREDENTIALS[kind] } });
    if (kind === 'connectwise' && props.demo?.connectwiseSite) setSite(props.demo.connectwiseSite);
  };

  return (
    <form className="card" onSubmit={(e) => { void onSubmit(e); }} aria-labelledby="step-credentials-heading" noValidate>
      <h2 id="step-credentials-heading">Step 2 of 4: Enter credentials</h2>
      {props.demo ? (
        <div className="banner demo-hint">
          <p>Demo mode: the app talks to local simulators of Cisco Umbrella, ConnectWise and Autotask. Their demo MSP accepts published demo credentials.</p>
          <button type="button" className="secondary" onClick={fillDemo}>Fill in the demo credentials</button>
        </div>
      ) : null}
      <p className="hint">{props.demo ? 'Kept in memory for this demo session only.' : 'Kept in the operating system\'s keychain.'} Saved values are never shown again; type a new value to replace one.</p>
      {vendorSection('umbrella', 'umbrella')}
      {vendorSection(kind, 'psa')}
      {kind === 'autotask' ? (
        <SelectField
          label="Material billing code for the Umbrella product"
          value={billingCode}
          options={billingCodes.data ?? []}
          onChange={setBillingCode}
          emptyLabel={connected === true ? (billingCodes.isPending ? 'Loading billing codes…' : 'Choose a billing code') : 'Available once both connections work'}
          disabled={connected !== true || billingCodes.isPending}
          error={errors.billingCode ?? (billingCodes.isError ? errorMessage(billingCodes.error) : billingCodes.data?.length === 0 ? 'Autotask lists no active material billing code: create one in Autotask (Admin > Features & Settings > Billing Codes, type Material Cost Code), then come back to this step.' : undefined)}
        />
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy !== null}>{busy ?? 'Save and continue'}</button>
        {failure ? <span role="alert" className="error">{failure}</span> : null}
        {notice ? <span role="status">{notice}</span> : null}
      </div>
    </form>
  );
}
