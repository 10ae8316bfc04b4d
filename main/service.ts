/**
 * The one façade the UI (over IPC) and the CLI use. Plain TypeScript: no Electron here.
 */
import type {
  AppInfo,
  CredentialKind,
  CredentialsStatus,
  ParsedRequestOf,
  Settings,
  SettingsPatch,
} from '../preload/contract';
import type { SecretStore } from './store/secrets';
import type { SettingsStore } from './store/settings';

export interface AppIdentity {
  name: string;
  productName: string;
  version: string;
  demo: boolean;
  dataDir: string;
}

export interface ServiceDeps {
  identity: AppIdentity;
  settings: SettingsStore;
  secrets: SecretStore;
}

export class AppService {
  constructor(private readonly deps: ServiceDeps) {}

  getAppInfo(): AppInfo {
    return { ...this.deps.identity, platform: process.platform };
  }

  getSettings(): Settings {
    return this.deps.settings.get();
  }

  saveSettings(patch: SettingsPatch): Settings {
    return this.deps.settings.update(patch);
  }

  async setCredentials(request: ParsedRequestOf<'setCredentials'>): Promise<CredentialsStatus> {
    await this.deps.secrets.set(request.kind, request.values);
    return this.deps.secrets.status();
  }

  getCredentialsStatus(): Promise<CredentialsStatus> {
    return this.deps.secrets.status();
  }

  async clearCredentials(kind: CredentialKind): Promise<CredentialsStatus> {
    await this.deps.secrets.clear(kind);
    return this.deps.secrets.status();
  }
}
