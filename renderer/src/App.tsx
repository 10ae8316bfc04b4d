import { useState } from 'react';
import { StatusScreen } from './StatusScreen';
import { CustomersScreen } from './CustomersScreen';
import { Wizard, setupComplete } from './wizard/Wizard';
import { useAppInfo, useCredentialsStatus, useRunProgress, useSettings } from './queries';
import { errorMessage } from './api';

const SCREENS = { setup: 'Setup', status: 'Status', customers: 'Customers' } as const;
type Screen = keyof typeof SCREENS;

export function App() {
  const info = useAppInfo();
  const settings = useSettings();
  const credentials = useCredentialsStatus();
  // Listened to here, not in a screen: a run that ends while another screen is open still refreshes what it changed.
  const running = useRunProgress();
  const [chosen, setChosen] = useState<Screen | null>(null);
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
      </main>
      <footer className="shell-footer">
        <span data-testid="app-version">{info.data ? `Version ${info.data.version}` : '\u00a0'}</span>
      </footer>
    </div>
  );
}
