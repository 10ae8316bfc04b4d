/** `umbrella-psa-sync diagnostics`: the report the app's "Copy diagnostics" copies, on stdout. */
import { createAppServices } from '../app-services';
import type { Logger } from '../log';
import { defaultLogDir } from '../logging/file-log';
import { Redactor } from '../logging/redact';
import { redactingSecretStore } from '../logging/secret-values';
import { PRODUCT_NAME } from '../paths';
import { createSecretStore, loadKeytar } from '../store/secrets';
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
