/** `umbrella-psa-sync diagnostics`: the report the app's "Copy diagnostics" copies, on stdout. */
import { createAppServices } from '../app/compose';
import type { Logger } from '../adapters/logging/logger';
import { defaultLogDir } from '../adapters/logging/file-log';
import { Redactor } from '../adapters/logging/redact';
import { redactingSecretStore } from '../adapters/store/redacting-secrets';
import { PRODUCT_NAME } from '../adapters/store/paths';
import { EXIT, type ExitCode } from './exit-codes';
import { cliIdentity, type CliIo } from './context';
import { cliCredentials } from './credentials';

export async function printDiagnostics(dataDir: string, io: CliIo, log: Logger): Promise<ExitCode> {
  const redactor = new Redactor();
  const source = await cliCredentials();
  const services = createAppServices({
    identity: { ...cliIdentity(dataDir), ...(source.keychain ? {} : { credentialsSource: source.description }) },
    secrets: redactingSecretStore(source.store, redactor),
    redactor, log, fetch: (url, init) => fetch(url, init), logDir: defaultLogDir(dataDir, PRODUCT_NAME),
  });
  try {
    io.out(await services.service.diagnostics());
    return EXIT.ok;
  } finally {
    services.close();
  }
}
