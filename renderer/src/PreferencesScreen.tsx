import { useState } from 'react';
import type { DesktopSettings } from '../../preload/contract';
import { errorMessage } from './api';
import { useAppInfo, useCopyDiagnostics, useOpenLogsFolder, useSaveSettings, useSettings } from './queries';
import { changedFields } from '../../preload/changed-fields';

type Toggle = { label: string; hint: string; get: (d: DesktopSettings) => boolean; set: (d: DesktopSettings, on: boolean) => DesktopSettings };

const TOGGLES: Toggle[] = [
  {
    label: 'Start Umbrella PSA Sync when I sign in',
    hint: 'It starts in the tray, with the window closed, and keeps the schedule.',
    get: (d) => d.startAtLogin,
    set: (d, on) => ({ ...d, startAtLogin: on }),
  },
  {
    label: 'Notify me when a sync or ticket check fails',
    hint: 'How many customers failed and the first error; the same failure again is not repeated.',
    get: (d) => d.notifications.failedRuns,
    set: (d, on) => ({ ...d, notifications: { ...d.notifications, failedRuns: on } }),
  },
  {
    label: 'Notify me when botnet tickets are opened',
    hint: 'Which customers got a ticket.',
    get: (d) => d.notifications.ticketsOpened,
    set: (d, on) => ({ ...d, notifications: { ...d.notifications, ticketsOpened: on } }),
  },
  {
    label: 'Notify me when billing drift appears',
    hint: 'After the daily sync, when the billing check is on (Billing screen): customers newly under- or over-billed.',
    get: (d) => d.notifications.billingDrift,
    set: (d, on) => ({ ...d, notifications: { ...d.notifications, billingDrift: on } }),
  },
];

/** The desktop app's own preferences, and the support tools: the log folder and a diagnostics report. */
export function PreferencesScreen() {
  const settings = useSettings();
  const info = useAppInfo();
  const save = useSaveSettings();
  const openLogs = useOpenLogsFolder();
  const copy = useCopyDiagnostics();
  const [copied, setCopied] = useState(false);
  const desktop = settings.data?.desktop;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="preferences-heading">
        <h2 id="preferences-heading">Preferences</h2>
        {desktop ? TOGGLES.map((toggle, i) => (
          <div key={toggle.label} className="check">
            <input
              id={`preference-${String(i)}`}
              type="checkbox"
              aria-describedby={`preference-${String(i)}-hint`}
              checked={toggle.get(desktop)}
              disabled={save.isPending}
              onChange={(event) => { save.mutate({ desktop: changedFields(desktop, toggle.set(desktop, event.target.checked)) }); }}
            />
            <label htmlFor={`preference-${String(i)}`}>{toggle.label}</label>
            <p id={`preference-${String(i)}-hint`} className="hint">{toggle.hint}</p>
          </div>
        )) : <p aria-busy="true">Loading…</p>}
        {save.isError ? <p role="alert" className="error">{errorMessage(save.error)}</p> : null}
      </section>
      <section className="card" aria-labelledby="support-heading">
        <h2 id="support-heading">Logs and diagnostics</h2>
        <p>The app&apos;s log files are in the log folder; secrets and tokens are removed from every line before it is written.</p>
        <div className="actions">
          <button type="button" onClick={() => { openLogs.mutate(); }} disabled={openLogs.isPending}>Open logs folder</button>
          <button type="button" onClick={() => { setCopied(false); copy.mutate(undefined, { onSuccess: () => { setCopied(true); } }); }} disabled={copy.isPending}>Copy diagnostics</button>
        </div>
        {openLogs.data ? <p role="status">Opened {openLogs.data.path}</p> : null}
        {copied ? <p role="status">Diagnostics copied to the clipboard (versions, settings, last runs and recent log lines; no secrets). Paste them into your support request.</p> : null}
        {openLogs.isError ? <p role="alert" className="error">{errorMessage(openLogs.error)}</p> : null}
        {copy.isError ? <p role="alert" className="error">{errorMessage(copy.error)}</p> : null}
        {info.data ? <p className="hint">Settings folder: {info.data.dataDir}</p> : null}
      </section>
    </div>
  );
}
