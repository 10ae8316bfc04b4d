/**
 * The four-step setup wizard. A step can be opened once the steps before it are done: step 2 needs
 * a PSA, steps 3 and 4 need both connections working (tested in this session, or a complete setup
 * saved earlier that no failed test has contradicted).
 */
import { useState } from 'react';
import type { CredentialsStatus, PsaKind, Settings } from '../../../preload/contract';
import { errorMessage } from '../api';
import { useAppInfo, useCredentialsStatus, useSettings } from '../queries';
import { CredentialsStep } from './CredentialsStep';
import { PsaStep } from './PsaStep';
import { ReviewStep } from './ReviewStep';
import { TicketingStep } from './TicketingStep';

const STEPS = ['Select PSA', 'Credentials', 'Ticketing', 'Review'] as const;

/** A setup saved earlier (or by the CLI) that has everything the sync needs. */
export function setupComplete(settings: Settings, credentials: CredentialsStatus): boolean {
  const kind = settings.psa.kind;
  if (!kind || !credentials.umbrella.complete || !credentials[kind].complete) return false;
  return kind === 'connectwise' ? settings.connectwise.site !== '' : settings.autotask.materialBillingCodeId !== null;
}

export function Wizard({ onFinish }: { onFinish: () => void }) {
  const settings = useSettings();
  const credentials = useCredentialsStatus();
  const info = useAppInfo();
  const [step, setStep] = useState(1);
  // A test result counts only for the PSA it was made with (the integration may be removed and another chosen).
  const [tested, setTested] = useState<{ kind: PsaKind; ok: boolean } | null>(null);
  if (settings.isPending || credentials.isPending) return <p aria-busy="true" className="card">Loading settings…</p>;
  if (settings.isError) return <p role="alert" className="error">{errorMessage(settings.error)}</p>;
  if (credentials.isError) return <p role="alert" className="error">{errorMessage(credentials.error)}</p>;

  const kind = settings.data.psa.kind;
  const testedNow = kind !== null && tested?.kind === kind ? tested.ok : null;
  const connected = testedNow ?? setupComplete(settings.data, credentials.data);
  const reachable = (n: number) => n === 1 || (kind !== null && (n === 2 || connected));
  const current = reachable(step) ? step : 1;
  const goTo = (n: number) => { if (reachable(n)) setStep(n); };

  return (
    <div className="stack">
      <nav aria-label="Setup steps">
        <ol className="steps">
          {STEPS.map((title, i) => {
            const n = i + 1;
            return (
              <li key={title}>
                <button type="button" className={n === current ? 'step active' : 'step'} aria-current={n === current ? 'step' : undefined}
                  disabled={!reachable(n)} onClick={() => { goTo(n); }}>
                  <span className="step-number">{String(n)}</span> {title}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      {current === 1 ? <PsaStep settings={settings.data} onContinue={() => { setStep(2); }} /> : null}
      {current === 2 && kind ? (
        <CredentialsStep kind={kind} settings={settings.data} credentials={credentials.data} connected={testedNow}
          demo={info.data?.demo ? { connectwiseSite: info.data.demoConnectWiseSite } : null}
          onTested={(ok) => { setTested({ kind, ok }); }} onContinue={() => { setStep(3); }} />
      ) : null}
      {current === 3 && kind ? <TicketingStep kind={kind} settings={settings.data} onContinue={() => { setStep(4); }} /> : null}
      {current === 4 && kind ? <ReviewStep kind={kind} settings={settings.data} credentials={credentials.data} goTo={goTo} onFinish={onFinish} /> : null}
    </div>
  );
}
