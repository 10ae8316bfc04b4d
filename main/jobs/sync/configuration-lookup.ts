/**
 * The configurations of a run's companies that have none known (the first run, new customers, a state
 * database started afresh), read at the start in a few requests (their ids in one filter) instead of one
 * search per customer: on Autotask, half the requests of a first run, out of the tenant's shared hourly
 * budget. Read once per run, as the company list is; the sync's job lock keeps this app's other processes
 * from writing configurations meanwhile. Each answer is used once: a later search of the same company (a
 * lost create, a configuration gone since) asks the PSA again.
 */
import { describeError } from '../../domain/errors';
import { StoppedWaitingError } from '../../adapters/http/rate-limiter';
import type { Logger } from '../../adapters/logging/logger';
import type { ExistingConfiguration, PsaCompany, PsaSyncAdapter } from '../../adapters/psa/adapter';

export class ConfigurationLookup {
  private readonly answers: Promise<Map<number, ExistingConfiguration | null> | null>;

  constructor(private readonly psa: PsaSyncAdapter, companies: readonly PsaCompany[], log: Logger) {
    this.answers = companies.length === 0 ? Promise.resolve(null) : psa.readConfigurations(companies).catch((error: unknown) => {
      // Stopping: each customer finds the stop itself.
      if (!(error instanceof StoppedWaitingError)) log.warn(`Could not read at once the configurations not known yet (${String(companies.length)} of this run's companies): ${describeError(error)}. Each is searched on its own.`);
      return null;
    });
  }

  /** readConfiguration, answered from the start's read where it covered this company and has not been used. */
  async read(company: PsaCompany, knownId: number | null): Promise<ExistingConfiguration | null> {
    const answers = knownId === null ? await this.answers : null;
    const answer = answers?.get(company.id);
    if (answers && answer !== undefined) {
      answers.delete(company.id);
      return answer;
    }
    return this.psa.readConfiguration(company, knownId);
  }
}
