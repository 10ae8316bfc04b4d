import { useState } from 'react';
import { ScreenSchema, type Screen } from '../../preload/contract';
import { StatusScreen } from './StatusScreen';
import { CustomersScreen } from './CustomersScreen';
import { BillingScreen } from './BillingScreen';
import { PreferencesScreen } from './PreferencesScreen';
import { Wizard, setupComplete } from './wizard/Wizard';
import { useAppInfo, useCredentialsStatus, useOpenScreenRequests, useRunProgress, useSettings } from './queries';
import { errorMessage } from './api';

const SCREENS = { setup: 'Setup', status: 'Status', customers: 'Customers', billing: 'Billing', preferences: 'Preferences' } as const satisfies Record<Screen, string>;

/** The screen a window opened for (a notification's click opens it at app://renderer/index.html#status). */
function screenFromUrl(): Screen | null {
  const parsed = ScreenSchema.safeParse(window.location.hash.slice(1));
  return parsed.success ? parsed.data : null;
}

export function App() {
  const info = useAppInfo();
  const settings = useSettings();
  const credentials = useCredentialsStatus();
  // Listened to here, not in a screen: a run that ends while another screen is open still refreshes what it changed.
  const running = useRunProgress();
  const [chosen, setChosen] = useState<Screen | null>(screenFromUrl);
  useOpenScreenRequests(setChosen);
  // The first screen, decided once when the settings arrive: the wizard until the setup is complete
  // (and it stays open while the user completes it), the status after that.
  if (chosen === null && settings.data && credentials.data) setChosen(setupComplete(settings.data, credentials.data) ? 'status' : 'setup');
  const screen = chosen;
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>Umbrella PSA Sync</h1>
        {info.data?.demo ? <span className="badge" title="The app talks to local simulators of Umbrella, ConnectWise and Autotask">Demo mode</span> : null}
        <nav aria-label="Screens" className="tabs">
          {(Object.keys(SCREENS) as Screen[]).map((key) => (
            <button key={key} type="button" className={key === screen ? 'tab active' : 'tab'} aria-current={key === screen ? 'page' : undefined} onClick={() => { setChosen(key); }}>
              {SCREENS[key]}
            </button>
          ))}
        </nav>
      </header>
      <main className="shell-main">
        {info.isError ? <p role="alert" className="error">{errorMessage(info.error)}</p> : null}
        {(info.data?.notices ?? []).map((notice) => <p key={notice} role="alert" className="error" data-testid="file-notice">{notice}</p>)}
        {settings.isError ? <p role="alert" className="error">{errorMessage(settings.error)}</p> : null}
        {credentials.isError ? <p role="alert" className="error">{errorMessage(credentials.error)}</p> : null}
        {screen === null && !settings.isError && !credentials.isError ? <p aria-busy="true" className="card">Loading…</p> : null}
        {screen === 'setup' ? <Wizard onFinish={() => { setChosen('customers'); }} /> : null}
        {screen === 'status' ? <StatusScreen running={running} /> : null}
        {screen === 'customers' ? <CustomersScreen /> : null}
        {screen === 'billing' ? <BillingScreen /> : null}
        {screen === 'preferences' ? <PreferencesScreen /> : null}
      </main>
      <footer className="shell-footer">
        <span data-testid="app-version">{info.data ? `Version ${info.data.version}` : '\u00a0'}</span>
      </footer>
    </div>
  );
}
