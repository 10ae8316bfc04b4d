import { useState } from 'react';
import { ConnectionScreen } from './ConnectionScreen';
import { StatusScreen } from './StatusScreen';
import { CustomersScreen } from './CustomersScreen';
import { useAppInfo } from './queries';
import { errorMessage } from './api';

const SCREENS = { status: 'Status', customers: 'Customers', connection: 'Connection' } as const;
type Screen = keyof typeof SCREENS;

export function App() {
  const info = useAppInfo();
  const [screen, setScreen] = useState<Screen>('status');
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>Umbrella PSA Sync</h1>
        {info.data?.demo ? <span className="badge">Demo mode</span> : null}
        <nav aria-label="Screens" className="tabs">
          {(Object.keys(SCREENS) as Screen[]).map((key) => (
            <button key={key} type="button" className={key === screen ? 'tab active' : 'tab'} aria-current={key === screen ? 'page' : undefined} onClick={() => { setScreen(key); }}>
              {SCREENS[key]}
            </button>
          ))}
        </nav>
      </header>
      <main className="shell-main">
        {info.isError ? <p role="alert" className="error">{errorMessage(info.error)}</p> : null}
        {screen === 'status' ? <StatusScreen /> : screen === 'customers' ? <CustomersScreen /> : <ConnectionScreen />}
      </main>
      <footer className="shell-footer">
        <span data-testid="app-version">{info.data ? `Version ${info.data.version}` : '\u00a0'}</span>
      </footer>
    </div>
  );
}
