import { afterAll, afterEach, expect } from 'vitest';
import { checkExchanges } from '../contract/openapi';
import type { Exchange } from '../../simulators/kit';

/**
 * Stops the current simulator after each test and, after the file, checks every exchange it
 * recorded against the vendor's OpenAPI documents.
 */
export function checkContractsAndStop(current: () => { exchanges: readonly Exchange[]; stop(): Promise<void>; server: { resetFaults(): void } }): void {
  const all: Exchange[] = [];
  afterEach(async () => {
    const sim = current();
    all.push(...sim.exchanges);
    sim.server.resetFaults();
    await sim.stop();
  });
  afterAll(() => {
    expect(checkExchanges(all)).toEqual([]);
  });
}
