/** The command line in-process, its output captured, as the CLI tests run it. */
import { runCli } from '../../main/cli/app';
import { DEMO_CREDENTIALS } from '../../simulators/demo';

/** The demo credentials as `configure` reads them from the environment. */
export const DEMO_CREDENTIALS_ENV = {
  UMBRELLA_API_KEY: DEMO_CREDENTIALS.umbrella.apiKey, UMBRELLA_API_SECRET: DEMO_CREDENTIALS.umbrella.apiSecret,
  CONNECTWISE_COMPANY_ID: DEMO_CREDENTIALS.connectwise.companyId, CONNECTWISE_PUBLIC_KEY: DEMO_CREDENTIALS.connectwise.publicKey,
  CONNECTWISE_PRIVATE_KEY: DEMO_CREDENTIALS.connectwise.privateKey, CONNECTWISE_CLIENT_ID: DEMO_CREDENTIALS.connectwise.clientId,
  AUTOTASK_USERNAME: DEMO_CREDENTIALS.autotask.username, AUTOTASK_SECRET: DEMO_CREDENTIALS.autotask.secret, AUTOTASK_INTEGRATION_CODE: DEMO_CREDENTIALS.autotask.integrationCode,
};

export async function cliCaptured(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { env, readStdin: () => Promise.resolve('') });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
