/** A process that takes a folder's job lock as a run would, says so, and holds it until it is killed. */
import { withJobLock } from '../../main/adapters/store/file-lock';

const [dir, job] = process.argv.slice(2);
if (!dir || (job !== 'sync' && job !== 'tickets')) throw new Error('usage: hold-job-lock.ts DIR sync|tickets');
void withJobLock({ dir, job, role: 'the command line' }, async () => {
  process.stdout.write('held\n');
  // Held until killed: a timer keeps the process alive (the lock's own refresh timer does not).
  await new Promise(() => { setInterval(() => undefined, 60_000); });
});
