/** `umbrella-psa-sync diagnostics`: the report the app's "Copy diagnostics" copies, on stdout. */
import { createAppServices } from '../app/compose';
import type { Logger } from '../adapters/logging/logger';
import { defaultLogDir } from '../adapters/logging/file-log';
import { Redactor } from '../adapters/logging/redact';
import { redactingSecretStore } from '../adapters/store/redacting-secrets';
import { PRODUCT_NAME } from '../adapters/store/paths';
import { createSecretStore, loadKeytar } from '../adapters/store/secrets';
import { EXIT, type ExitCode } from './exit-codes';
import { cliIdentity, type CliIo } from './context';

export async function printDiagnostics(dataDir: string, io: CliIo, log: Logger): Promise<ExitCode> {
  const redactor = new Redactor();
  const services = createAppServices({
    identity: cliIdentity(dataDir),
    secrets: redactingSecretStore(createSecretStore(await loadKeytar()), redactor),
    redactor, log, fetch: (url, init) => fetch(url, init), logDir: defaultLogDir(dataDir, PRODUCT_NAME),
  });
  try {
    io.out(await services.service.diagnostics());
    return EXIT.ok;
  } finally {
    services.close();
  }
}
