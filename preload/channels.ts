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
  getCustomerDetail: 'customers:detail',
  getRunChanges: 'history:run-changes',
  getBillingReport: 'billing:report',
  setBillingProduct: 'billing:set-product',
  makeBillingPlan: 'billing:make-plan',
  applyBillingPlan: 'billing:apply-plan',
  undoBillingChange: 'billing:undo-change',
  getBillingChanges: 'billing:changes',
  removeIntegration: 'integration:remove',
  listBillingCodes: 'autotask:billing-codes',
  getTicketingOptions: 'ticketing:options',
  saveCsvFile: 'file:save-csv',
  openLogsFolder: 'logs:open-folder',
  copyDiagnostics: 'diagnostics:copy',
} as const;

/** Events main pushes to the window (one listener verb each on the API object). */
export const EVENTS = {
  runProgress: 'run:progress',
  /** A notification or the tray asks the window to show one of its screens. */
  openScreen: 'window:open-screen',
} as const;
export type EventName = keyof typeof EVENTS;

/** The API object's listener verb for each event: `onRunProgress` for `runProgress`. */
export const EVENT_VERBS = { runProgress: 'onRunProgress', openScreen: 'onOpenScreen' } as const satisfies Record<EventName, `on${string}`>;

export type Verb = keyof typeof CHANNELS;
export const VERBS = Object.keys(CHANNELS) as Verb[];

/** Name of the global the preload defines in the page. */
export const API_GLOBAL = 'umbrellaPsa';

export type Listener = (payload: unknown) => void;
/** Subscribes to one event channel; returns the function that unsubscribes. */
export type Subscribe = (channel: string, listener: Listener) => () => void;

type VerbObject = Readonly<Record<Verb, (payload?: unknown) => Promise<unknown>> & Record<(typeof EVENT_VERBS)[EventName], (listener: Listener) => () => void>>;

/**
 * Builds the verb object from a transport. Used by the preload and by the e2e bridge.
 * A listener receives the event's payload only, never the transport's event object.
 */
export function buildVerbs(invoke: (channel: string, payload: unknown) => Promise<unknown>, subscribe: Subscribe): VerbObject {
  const api: Record<string, unknown> = {};
  for (const verb of VERBS) {
    const channel = CHANNELS[verb];
    api[verb] = (payload?: unknown) => invoke(channel, payload);
  }
  for (const event of Object.keys(EVENTS) as EventName[]) {
    api[EVENT_VERBS[event]] = (listener: Listener) => {
      if (typeof listener !== 'function') throw new TypeError(`${EVENT_VERBS[event]} takes a function`);
      return subscribe(EVENTS[event], listener);
    };
  }
  return Object.freeze(api) as VerbObject;
}
