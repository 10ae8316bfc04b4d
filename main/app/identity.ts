/** Who this process is: the app, the CLI or the service, its version and settings folder, demo or not. */
export interface AppIdentity {
  name: string;
  productName: string;
  version: string;
  demo: boolean;
  demoConnectWiseSite?: string;
  dataDir: string;
  /** Whether the window may change where credentials are sent (the vendor endpoints): demo and test builds only. */
  windowMaySetEndpoints?: boolean;
  /** Where the credentials come from, when not the OS keychain (the service's systemd credentials). */
  credentialsSource?: string;
}
