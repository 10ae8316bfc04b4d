/** The run record of a ticket check: counts, problems with their reasons, notes, requests and the tickets it touched. */
import type { RunRecord } from '../../adapters/store/state';
import { windowText } from '../../domain/windows';
import { RECENT_TICKETS_PER_RUN } from '../../../preload/contract';
import type { TicketAction } from './types';

export interface TicketRunFacts {
  psa: RunRecord['psa'];
  startedAt: Date;
  finishedAt: Date;
  checkNow: boolean;
  actions: TicketAction[];
  skipped: number;
  notes: string[];
  requests: RunRecord['requests'];
  usage: RunRecord['psaUsage'] | null;
  /** What stopped the check, in words, and whether it was asked to stop. */
  fatal?: string;
  stopped: boolean;
}

/** The id of the ticket check started at `startedAt`: its run record's id, and what the audit trail's writes name. */
export function ticketRunId(startedAt: Date): string {
  return `tickets-${startedAt.toISOString()}`;
}

export function ticketRunRecord(facts: TicketRunFacts): RunRecord {
  const { actions, checkNow, fatal, usage } = facts;
  const count = (...kinds: TicketAction['action'][]) => actions.filter((a) => kinds.includes(a.action)).length;
  const problems = actions.filter((a) => a.action === 'failed' || a.action === 'unticketed' || a.action === 'lost').map((a) => ({
    orgId: a.orgId, name: a.customer, status: 'failed' as const,
    reason: a.action === 'failed' ? `${a.identity ? `${a.identity}: ` : ''}${windowText(a.window)}: ${a.reason ?? 'failed'}${checkNow ? '' : ' (checked again at the next check)'}` : a.reason ?? a.action,
  }));
  return {
    id: ticketRunId(facts.startedAt),
    kind: 'tickets',
    psa: facts.psa,
    dryRun: false,
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    counts: { created: count('created'), updated: count('noted'), unchanged: count('unchanged'), skipped: facts.skipped, failed: count('failed', 'unticketed', 'lost') },
    requests: facts.requests,
    problems,
    notes: facts.notes,
    tickets: actions.flatMap((a) => ((a.action === 'created' || a.action === 'noted') && a.ticketId !== undefined
      ? [{ customer: a.customer, identity: a.identity ?? '', ticketId: a.ticketId, action: a.action, count: a.count ?? 0 }]
      : [])).slice(0, RECENT_TICKETS_PER_RUN),
    ...(fatal ? { error: fatal } : {}),
    ...(facts.stopped ? { stopped: true } : {}),
    ...(checkNow ? { checkNow: true } : {}),
    ...(usage ? { psaUsage: usage } : {}),
  };
}
