import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import type { ExistingConfiguration, PsaCompany, PsaSyncAdapter } from '../../main/adapters/psa/adapter';
import { ConfigurationLookup } from '../../main/jobs/sync/configuration-lookup';

const acme: PsaCompany = { id: 7, name: 'Acme', active: true };
const found: ExistingConfiguration = { id: 70, values: { seats: 5 } };

/** A PSA whose bulk read answers (or fails) as given, and whose single reads are counted. */
function psaWith(bulk: () => Promise<Map<number, ExistingConfiguration | null>>) {
  const single: (number | null)[] = [];
  const psa = {
    readConfigurations: bulk,
    readConfiguration: (_company: PsaCompany, knownId: number | null) => {
      single.push(knownId);
      return Promise.resolve(found);
    },
  } as unknown as PsaSyncAdapter;
  return { psa, single };
}

describe('configurations read at a run\'s start', () => {
  it('answers each company once from the bulk read; a second search asks the PSA', async () => {
    const { psa, single } = psaWith(() => Promise.resolve(new Map([[acme.id, null]])));
    const lookup = new ConfigurationLookup(psa, [acme], memoryLogger());
    expect(await lookup.read(acme, null)).toBeNull();
    expect(single).toEqual([]);
    expect(await lookup.read(acme, null)).toEqual(found);
    expect(single).toEqual([null]);
  });

  it('a read by a known id always asks the PSA', async () => {
    const { psa, single } = psaWith(() => Promise.resolve(new Map([[acme.id, null]])));
    const lookup = new ConfigurationLookup(psa, [acme], memoryLogger());
    expect(await lookup.read(acme, 70)).toEqual(found);
    expect(single).toEqual([70]);
  });

  it('when the bulk read fails, each company is searched on its own, and the log says why', async () => {
    const { psa, single } = psaWith(() => Promise.reject(new Error('ConnectWise answered 503')));
    const log = memoryLogger();
    const lookup = new ConfigurationLookup(psa, [acme], log);
    expect(await lookup.read(acme, null)).toEqual(found);
    expect(single).toEqual([null]);
    expect(log.lines).toEqual([expect.stringMatching(/^warn: Could not read at once the configurations not known yet \(1 of this run's companies\): ConnectWise answered 503\. Each is searched on its own\./) as unknown]);
  });
});
