import { ConnectionScreen } from './ConnectionScreen';
import { useAppInfo } from './queries';
import { errorMessage } from './api';

export function App() {
  const info = useAppInfo();
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>Umbrella PSA Sync</h1>
        {info.data?.demo ? <span className="badge">Demo mode</span> : null}
      </header>
      <main className="shell-main">
        {info.isError ? <p role="alert" className="error">{errorMessage(info.error)}</p> : null}
        <ConnectionScreen />
      </main>
      <footer className="shell-footer">
        <span data-testid="app-version">{info.data ? `Version ${info.data.version}` : '\u00a0'}</span>
      </footer>
    </div>
  );
}
