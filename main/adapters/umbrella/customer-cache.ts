/**
 * The console's customer list, kept in the state file between runs. Reading it costs one admin
 * call per 100 customers, and admin calls are limited to 14 a minute per key: 5,000 customers take
 * almost four minutes. The daily sync and the Customers screen read it fresh and save it; the
 * 4-hourly ticket check uses the saved list when it is recent, belongs to this console and holds
 * every mapped customer, and reads it again when anything suggests it is behind (see the ticket
 * engine: an org over the threshold that the list does not know, or no provider-wide report).
 */
import type { StateStore } from '../store/state';
import type { UmbrellaClient, UmbrellaCustomer } from './client';

/** The sync refreshes the list daily; a list older than a day (no sync ran) is read again. */
export const CUSTOMER_LIST_MAX_AGE_MS = 24 * 3_600_000;

export interface KnownCustomers {
  customers: UmbrellaCustomer[];
  /** When the list was read from Umbrella, if it came from the state file; null when read just now. */
  cachedAt: Date | null;
}

export class CustomerCache {
  constructor(
    private readonly umbrella: Pick<UmbrellaClient, 'listCustomers' | 'console'>,
    private readonly state: StateStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Reads the list from Umbrella and saves it (unless `save` is false: a dry run writes nothing). */
  async fresh(save = true): Promise<UmbrellaCustomer[]> {
    const customers = await this.umbrella.listCustomers();
    if (save) {
      const entry = { console: this.umbrella.console, fetchedAt: this.now().toISOString(), customers };
      this.state.update((s) => { s.umbrellaCustomers = entry; });
    }
    return customers;
  }

  /** The saved list if it is usable for this console, younger than `maxAgeMs` and holds every org in `mustInclude`; else a fresh one. */
  async recent(mustInclude: Iterable<number>, maxAgeMs = CUSTOMER_LIST_MAX_AGE_MS): Promise<KnownCustomers> {
    const saved = this.state.get().umbrellaCustomers;
    const fetchedAt = saved ? Date.parse(saved.fetchedAt) : Number.NaN;
    const age = this.now().getTime() - fetchedAt;
    if (saved && saved.console === this.umbrella.console && age >= 0 && age <= maxAgeMs) {
      const known = new Set(saved.customers.map((c) => c.customerId));
      if ([...mustInclude].every((id) => known.has(id))) return { customers: saved.customers, cachedAt: new Date(fetchedAt) };
    }
    return { customers: await this.fresh(), cachedAt: null };
  }
}
