/**
 * The preload: exposes exactly one named verb per contract channel on `window.umbrellaPsa`.
 * and one listener verb per event (onRunProgress). No generic invoke or on(channel), no access to
 * ipcRenderer or its event objects from the page. It imports only
 * the dependency-free channel table: a sandboxed preload cannot load npm modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, buildVerbs } from './channels';

contextBridge.exposeInMainWorld(
  API_GLOBAL,
  buildVerbs(
    (channel, payload) => ipcRenderer.invoke(channel, payload),
    (channel, listener) => {
      const forward = (_event: unknown, payload: unknown) => { listener(payload); };
      ipcRenderer.on(channel, forward);
      return () => { ipcRenderer.removeListener(channel, forward); };
    },
  ),
);
