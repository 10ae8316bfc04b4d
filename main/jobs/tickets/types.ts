/** What the ticket check's parts share: its dependencies, what it did per hit, and what a run returns. */
import type { Logger } from '../../adapters/logging/logger';
import type { PsaCompany } from '../../adapters/psa/adapter';
import type { PsaTicketAdapter } from '../../adapters/psa/tickets';
import type { RunRecord, StateStore } from '../../adapters/store/state';
import type { UmbrellaClient, UmbrellaCustomer } from '../../adapters/umbrella/client';
import type { CustomerMapping, RunProgress } from '../../../preload/contract';

export interface TicketAction {
  orgId: number;
  customer: string;
  identity?: string;
  window: number;
  /** unticketed: a hit with no PSA company to ticket it at; lost: a window that could not be checked within 48 hours. */
  action: 'created' | 'noted' | 'unchanged' | 'failed' | 'unticketed' | 'lost';
  ticketId?: number;
  count?: number;
  reason?: string;
}

export interface TicketRun {
  record: RunRecord;
  actions: TicketAction[];
  /** Windows whose check succeeded for every customer that had it pending. */
  processedWindows: number[];
  skippedWindows: number[];
  /** (customer, window) pairs that failed and are checked again at the next check. */
  retries: { orgId: number; customer: string; window: number }[];
  /** What stopped the check (record.error says it in words). */
  failure?: unknown;
}

export interface TicketDeps {
  umbrella: UmbrellaClient;
  psa: PsaTicketAdapter;
  companies: () => Promise<Map<string, PsaCompany>>;
  state: StateStore;
  mappings: () => Record<string, CustomerMapping>;
  threshold: () => number;
  /** The company that receives tickets of customers without an active PSA company; null when off. */
  fallbackCompany?: () => string | null;
  log: Logger;
  now?: () => Date;
  /** Customers checked so far, for every run however it was started. */
  onRunProgress?: (progress: RunProgress) => void;
  /** Once aborted (the service is stopping), no further customer is checked; the rest waits for the next check. */
  stopSignal?: AbortSignal;
  /** Runs the check as the only one across every process on the settings folder. */
  exclusive?: <T>(body: () => Promise<T>) => Promise<T>;
}

/** Where a customer's tickets go, or why they cannot be opened. */
export interface Placement {
  company: PsaCompany | null;
  /** Why the customer has no company of its own (its tickets then go to the fallback company, if any). */
  unmappedReason: string | null;
}

/** A customer, the windows it still needs, and where its tickets go: worked out from the PSA's companies only when a hit needs it. */
export interface Target {
  customer: UmbrellaCustomer;
  place: () => Promise<Placement>;
  windows: number[];
  lost: number[];
}
