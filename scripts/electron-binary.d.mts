/** The Electron binary's path, or null while it is not installed (see electron-binary.mjs). */
export function installedElectronBinary(): string | null;
