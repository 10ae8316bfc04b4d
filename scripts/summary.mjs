// Prints the closing line "N passed, N failed, N skipped" over the vitest and Playwright JSON
// reports, plus one failure per failed non-test step named after them; exits 1 on any failure.
import fs from 'node:fs';

const [vitestFile, playwrightFile, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const read = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

const vitest = read(vitestFile);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  // A test file that fails to load has no tests in it but fails the run.
  const brokenFiles = vitest.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0);
  for (const file of brokenFiles) console.log(`test file failed to run: ${file.name}`);
  failed += brokenFiles.length;
} else {
  failed += 1;
  console.log(`missing report: ${vitestFile} (the unit test run did not finish)`);
}

const playwright = read(playwrightFile);
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky;
  failed += playwright.stats.unexpected;
  skipped += playwright.stats.skipped;
  for (const error of playwright.errors ?? []) {
    failed += 1;
    console.log(`e2e error: ${String(error.message).split('\n')[0]}`);
  }
} else {
  failed += 1;
  console.log(`missing report: ${playwrightFile} (the e2e run did not finish)`);
}

for (const step of failedSteps) {
  failed += 1;
  console.log(`failed step: ${step}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
