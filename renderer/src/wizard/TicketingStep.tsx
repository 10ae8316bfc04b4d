/**
 * Step 3 (optional): where botnet tickets go. The board or queue first; then the lists that depend
 * on it load. ConnectWise offers only the type/subtype/item combinations the board allows.
 */
import { useState, type SyntheticEvent } from 'react';
import {
  missingTicketingChoice,
  TicketingSettingsSchema,
  type Option,
  type PsaKind,
  type Settings,
  type TicketingOptions,
} from '../../../preload/contract';
import { errorMessage } from '../api';
import { useCustomerOverview, useSaveSettings, useSendTestTicket, useTicketingOptions } from '../queries';
import { SelectField } from './fields';
import { allowedCombinations, type ConnectWiseBoard } from '../../../preload/ticketing-combinations';
import { changedFields } from '../../../preload/changed-fields';

type Ticketing = Settings['ticketing'];

export function TicketingStep({ kind, settings, onContinue }: { kind: PsaKind; settings: Settings; onContinue: () => void }) {
  const save = useSaveSettings();
  const sendTest = useSendTestTicket();
  // What the step started from: a save names only what the user changed since, so a threshold set in the CLI meanwhile stays.
  const [initial] = useState<Ticketing>(settings.ticketing);
  const [draft, setDraft] = useState<Ticketing>(settings.ticketing);
  const [threshold, setThreshold] = useState(String(settings.ticketing.threshold));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [testCompany, setTestCompany] = useState<string>('');
  const boardId = kind === 'connectwise' ? draft.connectwise.boardId : null;
  const top = useTicketingOptions(null);
  const board = useTicketingOptions(boardId, boardId !== null);
  const overview = useCustomerOverview();

  const cw = draft.connectwise;
  const at = draft.autotask;
  const setCw = (change: Partial<Ticketing['connectwise']>) => { setDraft({ ...draft, connectwise: { ...cw, ...change } }); };
  const setAt = (change: Partial<Ticketing['autotask']>) => { setDraft({ ...draft, autotask: { ...at, ...change } }); };

  /** The draft as settings, or null with the errors shown next to their fields. */
  const checked = (): Ticketing | null => {
    const found: Record<string, string> = {};
    const parsedThreshold = TicketingSettingsSchema.shape.threshold.safeParse(threshold.trim() === '' ? Number.NaN : Number(threshold));
    if (!parsedThreshold.success) found.threshold = threshold.trim() === '' ? 'Enter the query threshold (a whole number, at least 1)' : (parsedThreshold.error.issues[0]?.message ?? 'Invalid threshold');
    const missing = missingTicketingChoice(kind, draft);
    if (missing) found[kind === 'connectwise' ? 'board' : 'queue'] = `${missing}.`;
    setErrors(found);
    if (Object.keys(found).length > 0 || !parsedThreshold.success) return null;
    return { ...draft, enabled: true, threshold: parsedThreshold.data };
  };

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    const ticketing = checked();
    if (ticketing) save.mutate({ ticketing: changedFields(initial, ticketing) }, { onSuccess: onContinue });
  };

  const onSkip = () => {
    save.mutate({ ticketing: { enabled: false } }, { onSuccess: onContinue });
  };

  const onSendTest = () => {
    const ticketing = checked();
    if (!ticketing) return;
    save.mutate({ ticketing: changedFields(initial, ticketing) }, { onSuccess: () => { sendTest.mutate(testCompany === '' ? undefined : testCompany); } });
  };

  const options = top.data;
  const companies = (overview.data?.companies ?? []).filter((c) => c.active);
  const firstMapped = overview.data?.customers.find((c) => c.psaCompany && !c.excluded && companies.some((x) => x.reference.toLowerCase() === c.psaCompany?.toLowerCase()));

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="step-ticketing-heading" noValidate>
      <h2 id="step-ticketing-heading">Step 3 of 4: Set ticketing details (optional)</h2>
      <p className="hint">
        Every 4 hours, each device or user with more blocked botnet (command-and-control) requests than the threshold gets a ticket;
        while that ticket is open, new activity is added as a note. Skip this step to sync configurations only.
      </p>
      {top.isPending ? <p aria-busy="true">Loading {kind === 'connectwise' ? 'service boards' : 'queues and lists'}…</p> : null}
      {top.isError ? <p role="alert" className="error">{errorMessage(top.error)}</p> : null}
      {options?.psa === 'connectwise' ? (
        <ConnectWiseLists boards={options.boards} board={board.data?.psa === 'connectwise' ? board.data.board : null} boardLoading={board.isFetching}
          boardError={board.isError ? errorMessage(board.error) : undefined} value={cw} onChange={setCw} error={errors.board} />
      ) : null}
      {options?.psa === 'autotask' ? <AutotaskLists options={options} value={at} onChange={setAt} error={errors.queue} /> : null}
      <div className="field">
        <label htmlFor="ticketing-threshold">Query threshold (blocked botnet requests per 4 hours before a ticket opens)</label>
        <input id="ticketing-threshold" type="number" min={1} step={1} inputMode="numeric" value={threshold} aria-invalid={errors.threshold ? true : undefined}
          aria-describedby={errors.threshold ? 'threshold-error' : undefined} onChange={(e) => { setThreshold(e.target.value); }} />
        {errors.threshold ? <span id="threshold-error" className="error field-error">{errors.threshold}</span> : null}
      </div>
      <div className="field">
        <label htmlFor="ticketing-fallback">Fallback company (optional)</label>
        <select id="ticketing-fallback" aria-describedby="ticketing-fallback-hint" value={draft.fallbackCompany ?? ''} disabled={overview.isPending}
          onChange={(e) => { setDraft({ ...draft, fallbackCompany: e.target.value === '' ? null : e.target.value }); }}>
          <option value="">None: name such hits as problems in the run</option>
          {companies.map((c) => <option key={c.reference} value={c.reference}>{c.name} ({c.reference})</option>)}
        </select>
        <span id="ticketing-fallback-hint" className="hint">Receives the tickets of customers that are not mapped, or whose PSA company is inactive or missing; each ticket names the Umbrella customer.</span>
      </div>
      <fieldset className="vendor">
        <legend>Test ticket</legend>
        <div className="field">
          <label htmlFor="test-ticket-company">Send the test ticket to</label>
          <select id="test-ticket-company" value={testCompany} onChange={(e) => { setTestCompany(e.target.value); }} disabled={overview.isPending}>
            <option value="">{firstMapped ? `The first mapped customer (${firstMapped.psaCompany ?? ''})` : 'Choose a PSA company'}</option>
            {companies.map((c) => <option key={c.reference} value={c.reference}>{c.name} ({c.reference})</option>)}
          </select>
        </div>
        <div className="actions">
          <button type="button" className="secondary" disabled={save.isPending || sendTest.isPending} onClick={onSendTest}>
            {sendTest.isPending ? 'Sending…' : 'Send test ticket'}
          </button>
          {sendTest.isSuccess ? <span role="status" className="saved">Test ticket #{String(sendTest.data.ticketId)} created for {sendTest.data.company}. Check it in the PSA, then close it.</span> : null}
          {sendTest.isError ? <span role="alert" className="error">{errorMessage(sendTest.error)}</span> : null}
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>Save and continue</button>
        <button type="button" className="secondary" disabled={save.isPending} onClick={onSkip}>Skip: no tickets</button>
        {save.isError ? <span role="alert" className="error">{errorMessage(save.error)}</span> : null}
      </div>
    </form>
  );
}

function ConnectWiseLists(props: {
  boards: Option[];
  board: ConnectWiseBoard | null;
  boardLoading: boolean;
  boardError: string | undefined;
  value: Ticketing['connectwise'];
  onChange: (change: Partial<Ticketing['connectwise']>) => void;
  error: string | undefined;
}) {
  const { value, board, onChange } = props;
  const allowed = board ? allowedCombinations(board, value.typeId, value.subTypeId) : { subTypes: [], items: [] };
  const waiting = board === null;
  return (
    <>
      <SelectField label="Service board" value={value.boardId} options={props.boards} emptyLabel="Choose a board" error={props.error ?? props.boardError}
        onChange={(boardId) => { onChange({ boardId, statusId: null, typeId: null, subTypeId: null, itemId: null }); }} />
      {props.boardLoading ? <p aria-busy="true" className="hint">Loading the board&apos;s lists…</p> : null}
      <SelectField label="Status" value={value.statusId} options={board?.statuses ?? []} emptyLabel="The board's default status" disabled={waiting} onChange={(statusId) => { onChange({ statusId }); }} />
      <SelectField label="Priority" value={value.priorityId} options={board?.priorities ?? []} emptyLabel="The default priority" disabled={waiting} onChange={(priorityId) => { onChange({ priorityId }); }} />
      <SelectField label="Type" value={value.typeId} options={board?.types ?? []} emptyLabel="None" disabled={waiting}
        onChange={(typeId) => { onChange({ typeId, subTypeId: null, itemId: null }); }} />
      <SelectField label="Subtype" value={value.subTypeId} options={allowed.subTypes} emptyLabel="None" disabled={waiting || allowed.subTypes.length === 0}
        hint={board && value.typeId !== null && allowed.subTypes.length === 0 ? 'This board allows no subtype with this type.' : undefined}
        onChange={(subTypeId) => { onChange({ subTypeId, itemId: null }); }} />
      <SelectField label="Item" value={value.itemId} options={allowed.items} emptyLabel="None" disabled={waiting || allowed.items.length === 0}
        onChange={(itemId) => { onChange({ itemId }); }} />
    </>
  );
}

function AutotaskLists(props: {
  options: Extract<TicketingOptions, { psa: 'autotask' }>;
  value: Ticketing['autotask'];
  onChange: (change: Partial<Ticketing['autotask']>) => void;
  error: string | undefined;
}) {
  const { options, value, onChange } = props;
  const waiting = value.queueId === null;
  const subIssues = options.subIssueTypes.filter((s) => value.issueTypeId !== null && s.issueTypeId === value.issueTypeId);
  return (
    <>
      <SelectField label="Queue" value={value.queueId} options={options.queues} emptyLabel="Choose a queue" error={props.error} onChange={(queueId) => { onChange({ queueId }); }} />
      <SelectField label="Status" value={value.statusId} options={options.statuses} emptyLabel="New (the default)" disabled={waiting} onChange={(statusId) => { onChange({ statusId }); }} />
      <SelectField label="Priority" value={value.priorityId} options={options.priorities} emptyLabel="Choose a priority" disabled={waiting} onChange={(priorityId) => { onChange({ priorityId }); }} />
      <SelectField label="Issue type" value={value.issueTypeId} options={options.issueTypes} emptyLabel="None" disabled={waiting}
        onChange={(issueTypeId) => { onChange({ issueTypeId, subIssueTypeId: null }); }} />
      <SelectField label="Sub-issue type" value={value.subIssueTypeId} options={subIssues} emptyLabel="None" disabled={waiting || subIssues.length === 0}
        onChange={(subIssueTypeId) => { onChange({ subIssueTypeId }); }} />
    </>
  );
}
