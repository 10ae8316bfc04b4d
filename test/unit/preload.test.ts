import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contextBridge, ipcRenderer } from 'electron';
import type { EventEmitter } from 'node:events';
import { API_GLOBAL, CHANNELS, EVENTS } from '../../preload/contract';

const EXPECTED_VERBS = ['applyBillingPlan', 'checkTickets', 'clearCredentials', 'copyDiagnostics', 'getAppInfo', 'getBillingChanges', 'getBillingReport', 'getCredentialsStatus', 'getCustomerDetail', 'getCustomerOverview', 'getRunChanges', 'getRunHistory', 'getScheduleStatus', 'getSettings', 'getTicketingOptions', 'listBillingCodes', 'makeBillingPlan', 'openLogsFolder', 'removeIntegration', 'runSync', 'saveCsvFile', 'saveSettings', 'sendTestTicket', 'setBillingProduct', 'setCredentials', 'testConnection', 'undoBillingChange'];
const EXPECTED_LISTENERS = ['onOpenScreen', 'onRunProgress'];

describe('preload surface', () => {
  it('exposes exactly the expected named verbs on window.umbrellaPsa, and nothing else', async () => {
    await import('../../preload/index');
    const stub = contextBridge as unknown as { exposed: Map<string, Record<string, unknown>> };
    expect([...stub.exposed.keys()]).toEqual([API_GLOBAL]);
    const api = stub.exposed.get(API_GLOBAL)!;
    expect(Object.keys(api).sort()).toEqual([...EXPECTED_VERBS, ...EXPECTED_LISTENERS].sort());
    for (const verb of [...EXPECTED_VERBS, ...EXPECTED_LISTENERS]) expect(typeof api[verb]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('getCredentials');
  });

  it('each verb invokes its own channel with the one payload given', async () => {
    await import('../../preload/index');
    const api = (contextBridge as unknown as { exposed: Map<string, Record<string, (p?: unknown) => Promise<unknown>>> }).exposed.get(API_GLOBAL)!;
    const recorder = ipcRenderer as unknown as { invocations: { channel: string; payload: unknown }[] };
    recorder.invocations.length = 0;
    await api.clearCredentials!({ kind: 'umbrella' });
    await api.getSettings!();
    expect(recorder.invocations).toEqual([
      { channel: CHANNELS.clearCredentials, payload: { kind: 'umbrella' } },
      { channel: CHANNELS.getSettings, payload: undefined },
    ]);
  });

  it('a progress listener gets the payload only (never the IPC event), and stops after unsubscribing', async () => {
    await import('../../preload/index');
    const api = (contextBridge as unknown as { exposed: Map<string, Record<string, (listener: unknown) => () => void>> }).exposed.get(API_GLOBAL)!;
    const emitter = ipcRenderer as unknown as EventEmitter;
    const received: unknown[][] = [];
    const unsubscribe = api.onRunProgress!((...args: unknown[]) => { received.push(args); });
    const progress = { kind: 'sync', dryRun: false, done: 1, total: 3, finished: false };
    emitter.emit(EVENTS.runProgress, { sender: 'the IpcRendererEvent' }, progress);
    unsubscribe();
    emitter.emit(EVENTS.runProgress, {}, { ...progress, done: 2 });
    expect(received).toEqual([[progress]]);
    expect(emitter.listenerCount(EVENTS.runProgress)).toBe(0);
    expect(() => api.onRunProgress!('not a function')).toThrow(/takes a function/);
  });

  it('the built preload is CommonJS and requires nothing but electron (sandboxed preloads cannot load modules)', () => {
    const file = 'out/preload/index.cjs';
    expect(fs.existsSync(file), `${file} is missing: run \`npm run build\` first`).toBe(true);
    const code = fs.readFileSync(file, 'utf8');
    const required = [...code.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });
});
