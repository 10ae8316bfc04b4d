/** What the window shows of the audit trail: a customer's detail (its values as last written, its latest writes) and a run's changes. */
import { configurationKey, type StateStore } from '../adapters/store/state';
import { FIELDS, fieldLabels } from '../domain/fields';
import { syncRunId } from '../jobs/sync/engine';
import { CUSTOMER_WRITES_SHOWN, type CustomerDetail, type PsaKind, type PsaWritesView } from '../../preload/contract';

const labelsFor = (kind: PsaKind | null) => fieldLabels(kind === 'autotask' ? 'udf' : 'question');

export function customerDetail(state: StateStore, kind: PsaKind | null, orgId: number): CustomerDetail {
  const labels = labelsFor(kind);
  const written = kind ? state.get().configurations[configurationKey(kind, orgId)] : undefined;
  return {
    orgId,
    configuration: written ? {
      configurationId: written.configurationId, companyId: written.companyId, writtenAt: written.syncedAt, runId: syncRunId(new Date(written.syncedAt)),
      values: FIELDS.map((f) => ({ field: f.key, label: labels[f.key] ?? f.key, value: written.values[f.key] ?? null })),
    } : null,
    writes: state.history({ customer: String(orgId), limit: CUSTOMER_WRITES_SHOWN }),
    fieldLabels: labels,
  };
}

export function runChanges(state: StateStore, kind: PsaKind | null, runId: string): PsaWritesView {
  return { writes: state.history({ runId }), fieldLabels: labelsFor(kind) };
}
