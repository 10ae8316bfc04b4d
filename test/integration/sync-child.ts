// Runs one sync in a child process so that sync-kill.test.ts can SIGKILL it mid-run.
import type { PsaKind } from '../../preload/contract';
import { createEngine, type EngineTarget } from '../helpers/sync';

const kind = process.env.SYNC_KIND as PsaKind;
const target = JSON.parse(process.env.SYNC_TARGET ?? '{}') as EngineTarget;
const { engine } = createEngine(kind, { ...target, concurrency: 2 });
await engine.run();
process.stdout.write('finished\n');
