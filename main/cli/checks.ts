/** `test-connection [umbrella|psa]` and `test-ticket [--company X]`: the wizard's buttons, with its messages. */
import { missingTicketingChoice, PSA_NAMES, type PsaKind } from '../../preload/contract';
import { testConnection, type ConnectionTarget } from '../app/connection';
import { describeError } from '../domain/errors';
import { createTicketEngine, NotConfiguredError, type SyncSetup } from '../jobs/setup';
import { EXIT, exitCodeOf, UsageError, type ExitCode } from './exit-codes';

const TARGETS: Record<ConnectionTarget | PsaKind, string> = { umbrella: 'Cisco Umbrella', psa: 'the PSA', ...PSA_NAMES };

/** Tests each target in turn; the worst exit code of them. */
export async function testConnections(setup: SyncSetup, which: string | undefined, io: { out: (line: string) => void; err: (line: string) => void }): Promise<ExitCode> {
  if (which !== undefined && which !== 'umbrella' && which !== 'psa') throw new UsageError('test-connection takes umbrella or psa (or nothing, for both)');
  const targets: ConnectionTarget[] = which === undefined ? ['umbrella', 'psa'] : [which];
  let code: ExitCode = EXIT.ok;
  for (const target of targets) {
    try {
      io.out(`✓ ${await testConnection(setup, target)}`);
    } catch (error) {
      // The PSA by its name, once one is chosen.
      io.err(`✗ ${TARGETS[target === 'psa' ? setup.settings().psa.kind ?? 'psa' : target]}: ${describeError(error)}`);
      code = Math.max(code, exitCodeOf(error)) as ExitCode;
    }
  }
  return code;
}

export async function sendTestTicket(setup: SyncSetup, company: string | undefined): Promise<string> {
  const settings = setup.settings();
  if (!settings.psa.kind) throw new NotConfiguredError('No PSA is chosen: run "umbrella-psa-sync configure --psa connectwise|autotask" first.');
  const missing = missingTicketingChoice(settings.psa.kind, settings.ticketing);
  if (missing) throw new NotConfiguredError(`${missing}: run "umbrella-psa-sync configure ticketing" first.`);
  // Never a customer's company by default: the fallback company (the MSP's own, as a rule), or the one named.
  const chosen = company ?? settings.ticketing.fallbackCompany ?? undefined;
  if (chosen === undefined) {
    throw new UsageError('Name the PSA company the test ticket goes to with --company (your own company, so that no customer sees it; "umbrella-psa-sync list companies" shows them), or set a fallback company with "umbrella-psa-sync configure --fallback-company COMPANY".');
  }
  const engine = await createTicketEngine(setup);
  const { ticketId, company: target } = await engine.sendTestTicket(chosen);
  return `Test ticket ${String(ticketId)} created for ${target.name}. Check it in the PSA (board or queue, status, priority, types), then close it.`;
}
