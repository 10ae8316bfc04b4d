/**
 * The command line's exit codes, for scripts and schedulers: 0 all done, 1 some customers failed,
 * 2 usage or configuration error (the user can fix it), 3 could not run (a vendor unreachable or
 * down, the keychain locked, another process holding the job).
 */
import { HttpError } from '../adapters/http/client';
import { VendorError } from '../adapters/http/vendor-error';
import { PsaSetupError } from '../adapters/psa/adapter';
import { NotConfiguredError } from '../domain/errors';
import { InvalidCredentialError } from '../adapters/store/secrets';
import { ReadOnlyCredentialsError } from '../adapters/store/credentials-directory';

export const EXIT = { ok: 0, failures: 1, usage: 2, cannotRun: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Wrong arguments or input on the command line; the message says what to give instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof NotConfiguredError || error instanceof PsaSetupError || error instanceof InvalidCredentialError || error instanceof ReadOnlyCredentialsError) return EXIT.usage;
  // The vendor named a setting or credential that is wrong (an unknown company ID or API username).
  if (error instanceof VendorError && error.configuration) return EXIT.usage;
  // The vendor refused these credentials or their permissions: the configuration needs fixing.
  const status = error instanceof VendorError || error instanceof HttpError ? error.status : null;
  if (status === 401 || status === 403) return EXIT.usage;
  return EXIT.cannotRun;
}

export const EXIT_CODES_HELP = `Exit codes:
  0  all done
  1  some customers failed, or a seat change was not written (each is named in the output)
  2  usage or configuration error (wrong option, missing setting or credentials, refused keys)
  3  could not run (a vendor unreachable or down, the keychain locked, the job busy in another process)`;
