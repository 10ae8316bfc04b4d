import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Umbrella PSA Sync';

/**
 * The folder Electron uses as `userData` for this app, computed without Electron so the CLI reads
 * the same settings file as the app.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (env.UMBRELLA_PSA_DATA_DIR) return env.UMBRELLA_PSA_DATA_DIR;
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}
