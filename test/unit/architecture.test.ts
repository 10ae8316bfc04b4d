import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const probes: string[] = [];
afterEach(() => {
  for (const file of probes.splice(0)) fs.rmSync(file, { force: true });
});

async function lintProbe(relativePath: string, code: string) {
  const file = path.resolve(relativePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  probes.push(file);
  const [result] = await new ESLint().lintFiles([file]);
  return result?.messages.map((m) => m.ruleId ?? m.message) ?? [];
}

describe('architecture rules enforced by ESLint', () => {
  it('forbids importing electron outside the shell (the app\'s parts and the CLI run in plain Node)', async () => {
    for (const file of ['main/lint-probe-sync.ts', 'main/cli/lint-probe.ts']) {
      const rules = await lintProbe(file, "import { app } from 'electron';\nexport const name = app.getName();\n");
      expect(rules).toContain('no-restricted-imports');
    }
  });

  it('allows electron in main/shell/ and in the store\'s Electron adapters', async () => {
    for (const file of ['main/shell/lint-probe.ts', 'main/adapters/store/electron-lint-probe.ts']) {
      const rules = await lintProbe(file, "import { app } from 'electron';\nexport const name = app.getName();\n");
      expect(rules).not.toContain('no-restricted-imports');
    }
  });

  it('forbids importing upward: the domain imports nothing of the app, adapters no job, jobs no façade, the façade no shell', async () => {
    const upward: [string, string][] = [
      ['main/domain/lint-probe.ts', "import { TicketEngine } from '../jobs/tickets/engine';\nexport const x = TicketEngine;\n"],
      ['main/domain/lint-probe.ts', "import { HISTORY_LIMIT } from '../adapters/store/state';\nexport const x = HISTORY_LIMIT;\n"],
      ['main/adapters/psa/lint-probe.ts', "import { SyncEngine } from '../../jobs/sync/engine';\nexport const x = SyncEngine;\n"],
      ['main/adapters/store/lint-probe.ts', "import { UmbrellaClient } from '../umbrella/client';\nexport const x = UmbrellaClient;\n"],
      ['main/jobs/lint-probe.ts', "import { AppService } from '../app/service';\nexport const x = AppService;\n"],
      ['main/app/lint-probe.ts', "import { runCli } from '../cli/app';\nexport const x = runCli;\n"],
    ];
    for (const [file, code] of upward) expect(await lintProbe(file, code), file).toContain('boundaries/dependencies');
  });

  it('allows importing from the same layer or below', async () => {
    const rules = await lintProbe('main/jobs/lint-probe.ts', "import { FIELDS } from '../domain/fields';\nimport { HISTORY_LIMIT } from '../adapters/store/state';\nimport { SyncEngine } from './sync/engine';\nexport const x = [FIELDS, HISTORY_LIMIT, SyncEngine];\n");
    expect(rules).not.toContain('boundaries/dependencies');
  });

  it('forbids an import circle, even inside one layer', async () => {
    // Written, not linted: linting it first would cache './lint-probe-a' as unresolved.
    const other = path.resolve('main/jobs/lint-probe-b.ts');
    fs.writeFileSync(other, "import { a } from './lint-probe-a';\nexport const b = (): unknown => a;\n");
    probes.push(other);
    const rules = await lintProbe('main/jobs/lint-probe-a.ts', "import { b } from './lint-probe-b';\nexport const a = (): unknown => b;\n");
    expect(rules).toContain('import-x/no-cycle');
  });

  it('keeps main/ to its layers: no loose file beside them', async () => {
    const rules = await lintProbe('main/lint-probe-loose.ts', 'export const x = 1;\n');
    expect(rules).toContain('boundaries/no-unknown-files');
  });

  it('forbids the renderer from importing main-process code or Node built-ins', async () => {
    const rules = await lintProbe('renderer/src/lint-probe.ts', "import fs from 'node:fs';\nimport { AppService } from '../../main/app/service';\nexport const x = [fs, AppService];\n");
    expect(rules.filter((r) => r === 'no-restricted-imports')).toHaveLength(2);
  });
}, 60_000);
