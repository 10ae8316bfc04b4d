/**
 * The packaging config cannot be built here (Electron's zip needs the internet): it is validated
 * against electron-builder's own JSON schema, and its promises are checked one by one.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';

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

  it('flips the hardening fuses: no run-as-Node, no NODE_OPTIONS or --inspect, ASAR only and checked, encrypted cookies', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true, enableCookieEncryption: true,
    });
  });
});
