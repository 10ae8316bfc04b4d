#!/usr/bin/env node
/**
 * Electronegativity (Doyensec's Electron security scanner) over the sources and over the build
 * output, as part of `npm test`. Every finding must be fixed or justified inline, next to the code,
 * with an `eng-disable CHECK_ID` comment (and the reason). The bundler strips comments, so a finding
 * in the build output counts as justified when the same line of code carries that annotation in the
 * sources. Anything else fails the run, so a new finding cannot slip in.
 *   node scripts/electronegativity.mjs [--sources DIR[,DIR...]] [--build DIR]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { sources: { type: 'string', default: 'main,preload,renderer' }, build: { type: 'string', default: 'out' } } });
const sourceDirs = values.sources.split(',').filter(Boolean);

// Needs Electron's release list from the internet, so it would pass or fail by connectivity: the
// Electron major is kept on a supported line by hand instead (package.json, README "Upgrading").
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck'];
const electronVersion = JSON.parse(fs.readFileSync('node_modules/electron/package.json', 'utf8')).version;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));

/** Runs the scanner on one folder; its findings as { rule, file, line, message }. */
function scan(input, name) {
  const sarif = path.join(work, `${name}.sarif`);
  // Run with a preload that keeps it from fetching translations (see electronegativity-offline.mjs).
  const scanner = path.join('node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
  const preload = path.join(import.meta.dirname, 'electronegativity-offline.mjs');
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, scanner, '-i', input, '-r', '-e', electronVersion, '-x', EXCLUDED.join(','), '-o', sarif], { encoding: 'utf8' });
  if (run.status !== 0 || !fs.existsSync(sarif)) {
    console.error(`electronegativity failed on ${input} (exit ${String(run.status)}):\n${run.stderr}${run.stdout}`);
    process.exit(1);
  }
  const [result] = JSON.parse(fs.readFileSync(sarif, 'utf8')).runs;
  if (result.invocations?.some((i) => i.executionSuccessful === false)) {
    console.error(`electronegativity did not complete on ${input}`);
    process.exit(1);
  }
  return result.results.map((r) => {
    const location = r.locations?.[0]?.physicalLocation;
    return { rule: r.ruleId, file: location?.artifactLocation?.uri ?? '?', line: location?.region?.startLine ?? 0, message: r.message?.text ?? '' };
  });
}

const filesUnder = (dir) => fs.readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs|cjs|html)$/.test(e.name))
  .map((e) => path.join(e.parentPath ?? e.path, e.name));

/** A line of code as the bundler may rewrite it: no whitespace, no `void`, no trailing semicolon. */
const normalized = (code) => code.replace(/\bvoid\s+/g, '').replace(/\s+/g, '').replace(/;$/, '');

/** The code lines that carry an `eng-disable` in the sources, per check. */
function annotations() {
  const byRule = new Map();
  for (const dir of sourceDirs) {
    for (const file of filesUnder(dir)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const match = /(?:\/\/|\/\*|<!--)[ \t]*eng-disable[ \t]+([A-Z_ ]+)/.exec(line);
        if (!match) continue;
        const code = normalized(line.slice(0, match.index));
        for (const rule of match[1].trim().split(/\s+/)) {
          if (!byRule.has(rule)) byRule.set(rule, new Set());
          byRule.get(rule).add(code);
        }
      }
    }
  }
  return byRule;
}

// The sources are scanned together (the global checks, e.g. navigation limits, look across files).
const staged = path.join(work, 'sources');
for (const dir of sourceDirs) fs.cpSync(dir, path.join(staged, path.basename(dir)), { recursive: true });
const justified = annotations();
const problems = scan(staged, 'sources').map((f) => ({ ...f, where: 'sources' }));
if (fs.existsSync(values.build)) {
  for (const finding of scan(values.build, 'build')) {
    const lines = fs.existsSync(path.join(values.build, finding.file)) ? fs.readFileSync(path.join(values.build, finding.file), 'utf8').split('\n') : [];
    const code = normalized(lines[finding.line - 1] ?? '');
    if (!justified.get(finding.rule)?.has(code)) problems.push({ ...finding, where: values.build });
  }
} else {
  console.error(`No build output at ${values.build}: run "npm run build" first.`);
  process.exit(1);
}
fs.rmSync(work, { recursive: true, force: true });

if (problems.length > 0) {
  console.error(`Electronegativity: ${String(problems.length)} finding(s) neither fixed nor justified inline (eng-disable CHECK_ID, with the reason):`);
  for (const p of problems) console.error(`  ${p.rule} ${p.where}/${p.file}:${String(p.line)} ${p.message}`);
  process.exit(1);
}
console.log(`Electronegativity (Electron ${electronVersion}): no unjustified finding in ${sourceDirs.join(', ')} or ${values.build}; ${String([...justified.values()].reduce((n, s) => n + s.size, 0))} justified inline.`);
