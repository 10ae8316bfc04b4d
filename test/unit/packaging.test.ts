/**
 * The packaging config cannot be built here (Electron's zip needs the internet): it is validated
 * against electron-builder's own JSON schema, and its promises are checked one by one.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { TRAY_ICON_STATES } from '../../main/shell/tray';

const require = createRequire(import.meta.url);
const config = loadYaml(fs.readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>; asarUnpack: string[]; linux: { target: string[] }; win: { target: string[] }; mac: { target: string[]; hardenedRuntime: boolean }; files: string[];
};

describe('electron-builder.yml', () => {
  it('is valid for the installed electron-builder', () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const valid = ajv.validate(schema, config);
    expect(valid, ajv.errorsText(ajv.errors)).toBe(true);
  });

  it('builds NSIS (Windows), DMG with the hardened runtime (macOS), AppImage and deb (Linux), with keytar outside the ASAR', () => {
    expect(config.appId).toBe('com.umbrellapsasync.app');
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.asarUnpack).toContain('node_modules/keytar/**');
    expect(config.files).toContain('out/**');
  });

  it('ships a 512 px app icon and a tray icon for every state, at 1x and 2x', () => {
    const pngSize = (file: string) => {
      const header = fs.readFileSync(file);
      expect(header.subarray(1, 4).toString('ascii'), file).toBe('PNG');
      return [header.readUInt32BE(16), header.readUInt32BE(20)];
    };
    const platforms = [config.linux, config.win, config.mac] as unknown as { icon: string }[];
    for (const { icon } of platforms) expect(pngSize(icon), icon).toEqual([512, 512]);
    const resources = config.extraResources as { from: string; to: string; filter: string[] }[];
    expect(resources).toContainEqual({ from: 'resources', to: 'tray', filter: ['tray-*.png'] });
    for (const state of TRAY_ICON_STATES) {
      expect(pngSize(`resources/tray-${state}.png`)).toEqual([16, 16]);
      expect(pngSize(`resources/tray-${state}@2x.png`)).toEqual([32, 32]);
    }
  });

  it('flips the hardening fuses: no run-as-Node, no NODE_OPTIONS or --inspect, ASAR only and checked, encrypted cookies', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true, enableCookieEncryption: true,
    });
  });
});
