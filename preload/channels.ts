/**
 * Channel names and the verb-object builder, free of any dependency: the sandboxed preload can
 * only `require('electron')`, so it imports this file, not the zod schemas in contract.ts.
 */
export const CHANNELS = {
  getAppInfo: 'app:get-info',
  getSettings: 'settings:get',
  saveSettings: 'settings:save',
  setCredentials: 'credentials:set',
  getCredentialsStatus: 'credentials:status',
  clearCredentials: 'credentials:clear',
  runSync: 'sync:run',
  getRunHistory: 'history:get',
  getScheduleStatus: 'schedule:status',
  checkTickets: 'tickets:check',
  sendTestTicket: 'tickets:test',
  testConnection: 'connection:test',
  getCustomerOverview: 'customers:overview',
} as const;

export type Verb = keyof typeof CHANNELS;
export const VERBS = Object.keys(CHANNELS) as Verb[];

/** Name of the global the preload defines in the page. */
export const API_GLOBAL = 'umbrellaPsa';

/** Builds the verb object from a transport. Used by the preload and by the e2e bridge. */
export function buildVerbs(invoke: (channel: string, payload: unknown) => Promise<unknown>): Readonly<Record<Verb, (payload?: unknown) => Promise<unknown>>> {
  const api = {} as Record<Verb, (payload?: unknown) => Promise<unknown>>;
  for (const verb of VERBS) {
    const channel = CHANNELS[verb];
    api[verb] = (payload?: unknown) => invoke(channel, payload);
  }
  return Object.freeze(api);
}
