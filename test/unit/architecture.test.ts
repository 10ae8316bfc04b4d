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
    for (const file of ['main/shell/lint-probe.ts', 'main/store/electron-lint-probe.ts']) {
      const rules = await lintProbe(file, "import { app } from 'electron';\nexport const name = app.getName();\n");
      expect(rules).not.toContain('no-restricted-imports');
    }
  });

  it('forbids the renderer from importing main-process code or Node built-ins', async () => {
    const rules = await lintProbe('renderer/src/lint-probe.ts', "import fs from 'node:fs';\nimport { AppService } from '../../main/service';\nexport const x = [fs, AppService];\n");
    expect(rules.filter((r) => r === 'no-restricted-imports')).toHaveLength(2);
  });
}, 60_000);
