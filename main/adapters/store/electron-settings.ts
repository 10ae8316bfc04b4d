/** electron-store as the settings file backend inside Electron (same format and folder as conf). */
import ElectronStore from 'electron-store';
import { parseJsonFile, SETTINGS_FILE_NAME, type BackendFactory } from './settings';

export const openElectronStoreBackend: BackendFactory = (dir) =>
  new ElectronStore<Record<string, unknown>>({ cwd: dir, name: SETTINGS_FILE_NAME, clearInvalidConfig: false, deserialize: parseJsonFile });
