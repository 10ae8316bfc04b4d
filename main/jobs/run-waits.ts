/**
 * What a run spent waiting on vendors' limits (Umbrella's rate-limit windows, the PSA tenant's
 * hourly budget), measured from the run's start, as run notes; and the PSA usage last read. The sync
 * and the ticket check both report them the same way.
 */
import type { HttpStats } from '../adapters/http/client';
import { budgetNote, type PsaApiUsage } from '../adapters/psa/adapter';
import { rateLimitWaitNote } from '../adapters/umbrella/client';

export function runWaits(umbrella: { readonly stats: HttpStats }, psa: { apiUsage(): PsaApiUsage }): () => { notes: string[]; usage: PsaApiUsage['usage'] } {
  const waitedBefore = umbrella.stats.rateLimitWaitMs;
  const pausedBefore = psa.apiUsage().pausedMs;
  return () => {
    const { usage, pausedMs } = psa.apiUsage();
    const notes = [rateLimitWaitNote(umbrella.stats.rateLimitWaitMs - waitedBefore), budgetNote(pausedMs - pausedBefore, usage)];
    return { notes: notes.filter((note) => note !== null), usage };
  };
}
