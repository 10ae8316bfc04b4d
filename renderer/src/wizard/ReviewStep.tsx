/** Step 4: everything chosen, by name, with a way back to each step. Secrets show only as saved. */
import type { ReactNode } from 'react';
import type { CredentialKind, CredentialsStatus, Option, PsaKind, Settings } from '../../../preload/contract';
import { CREDENTIAL_FIELD_LABELS, CREDENTIAL_KIND_LABELS, PSA_LABELS } from '../labels';
import { useBillingCodes, useTicketingOptions } from '../queries';

const nameOf = (options: readonly Option[] | undefined, id: number | null, none: string) =>
  id === null ? none : (options?.find((o) => o.id === id)?.name ?? `id ${String(id)}`);

function savedFields(status: CredentialsStatus[CredentialKind]): string {
  const entries = Object.entries(status.fields as Record<string, boolean>);
  const missing = entries.filter(([, saved]) => !saved).map(([field]) => CREDENTIAL_FIELD_LABELS[field]?.label ?? field);
  return missing.length === 0 ? 'All saved in the keychain' : `Missing: ${missing.join(', ')}`;
}

function Group({ title, step, goTo, children }: { title: string; step: number; goTo: (step: number) => void; children: ReactNode }) {
  return (
    <section className="review-group" aria-label={title}>
      <div className="review-head">
        <h3>{title}</h3>
        <button type="button" className="link" onClick={() => { goTo(step); }} aria-label={`Change ${title.toLowerCase()} (step ${String(step)})`}>Change</button>
      </div>
      <dl className="summary">{children}</dl>
    </section>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return <div className="summary-row"><dt>{label}</dt><dd>{children}</dd></div>;
}

export function ReviewStep(props: { kind: PsaKind; settings: Settings; credentials: CredentialsStatus; goTo: (step: number) => void; onFinish: () => void }) {
  const { kind, settings, credentials, goTo } = props;
  const t = settings.ticketing;
  const billing = useBillingCodes(kind === 'autotask');
  const top = useTicketingOptions(null, t.enabled);
  const cwBoard = useTicketingOptions(t.connectwise.boardId, kind === 'connectwise' && t.enabled && t.connectwise.boardId !== null);
  const board = cwBoard.data?.psa === 'connectwise' ? cwBoard.data.board : null;
  const at = top.data?.psa === 'autotask' ? top.data : null;

  return (
    <section className="card" aria-labelledby="step-review-heading">
      <h2 id="step-review-heading">Step 4 of 4: Review</h2>
      <Group title="PSA" step={1} goTo={goTo}>
        <Row label="PSA">{PSA_LABELS[kind]}</Row>
      </Group>
      <Group title="Credentials" step={2} goTo={goTo}>
        <Row label={CREDENTIAL_KIND_LABELS.umbrella}>{savedFields(credentials.umbrella)}</Row>
        {kind === 'connectwise' ? <Row label="ConnectWise site">{settings.connectwise.site}</Row> : null}
        <Row label={CREDENTIAL_KIND_LABELS[kind]}>{savedFields(credentials[kind])}</Row>
        {kind === 'autotask' ? (
          <Row label="Material billing code">{nameOf(billing.data, settings.autotask.materialBillingCodeId, 'Not chosen')}</Row>
        ) : null}
      </Group>
      <Group title="Ticketing" step={3} goTo={goTo}>
        <Row label="Botnet tickets">{t.enabled ? 'On, checked every 4 hours' : 'Off'}</Row>
        {t.enabled && kind === 'connectwise' ? (
          <>
            <Row label="Service board">{nameOf(top.data?.psa === 'connectwise' ? top.data.boards : undefined, t.connectwise.boardId, 'Not chosen')}</Row>
            <Row label="Status">{nameOf(board?.statuses, t.connectwise.statusId, "The board's default")}</Row>
            <Row label="Priority">{nameOf(board?.priorities, t.connectwise.priorityId, 'The default')}</Row>
            <Row label="Type / subtype / item">
              {[nameOf(board?.types, t.connectwise.typeId, 'None'), nameOf(board?.subTypes, t.connectwise.subTypeId, 'None'), nameOf(board?.items, t.connectwise.itemId, 'None')].join(' / ')}
            </Row>
          </>
        ) : null}
        {t.enabled && kind === 'autotask' ? (
          <>
            <Row label="Queue">{nameOf(at?.queues, t.autotask.queueId, 'Not chosen')}</Row>
            <Row label="Status">{nameOf(at?.statuses, t.autotask.statusId, 'New')}</Row>
            <Row label="Priority">{nameOf(at?.priorities, t.autotask.priorityId, 'Not chosen')}</Row>
            <Row label="Issue / sub-issue type">{`${nameOf(at?.issueTypes, t.autotask.issueTypeId, 'None')} / ${nameOf(at?.subIssueTypes, t.autotask.subIssueTypeId, 'None')}`}</Row>
          </>
        ) : null}
        {t.enabled ? <Row label="Query threshold">{`More than ${String(t.threshold)} blocked request${t.threshold === 1 ? '' : 's'} in 4 hours`}</Row> : null}
      </Group>
      <div className="actions">
        <button type="button" onClick={props.onFinish}>Finish</button>
      </div>
    </section>
  );
}
