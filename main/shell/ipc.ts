/** Binds the contract router to Electron's ipcMain. The only place that touches ipcMain. */
import { ipcMain } from 'electron';
import type { IpcRouter } from '../app/ipc-router';

export function registerIpc(router: IpcRouter, isMainWindow: (webContentsId: number) => boolean): () => void {
  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      const url = isMainWindow(event.sender.id) ? (event.senderFrame?.url ?? '') : '';
      return router.handle(channel, { url }, payload);
    });
  }
  return () => {
    for (const channel of router.channels) ipcMain.removeHandler(channel);
  };
}
