/**
 * The preload: exposes exactly one named verb per contract channel on `window.umbrellaPsa`.
 * No generic invoke, no event emitters, no access to ipcRenderer from the page. It imports only
 * the dependency-free channel table: a sandboxed preload cannot load npm modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, buildVerbs } from './channels';

contextBridge.exposeInMainWorld(
  API_GLOBAL,
  buildVerbs((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
