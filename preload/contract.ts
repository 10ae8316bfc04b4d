/**
 * THE typed IPC contract between the renderer and the main process.
 *
 * Every channel has a request and a response zod schema. Main validates each request before it
 * reaches the service and parses each response before it leaves (which also strips any field the
 * schema does not name, so nothing unplanned — a secret least of all — can ride along).
 * The preload exposes exactly one named verb per entry; there is no generic invoke.
 */
import { z } from 'zod';
import { API_GLOBAL, CHANNELS, EVENTS, EVENT_VERBS, VERBS, type Verb } from './channels';

export { API_GLOBAL, CHANNELS, EVENTS, EVENT_VERBS, VERBS, type Verb };

export const PSA_KINDS = ['connectwise', 'autotask'] as const;
export const PsaKindSchema = z.enum(PSA_KINDS);
export type PsaKind = z.infer<typeof PsaKindSchema>;
/** Each PSA's short name, for messages (the window's labels spell the product out). */
export const PSA_NAMES: Record<PsaKind, string> = { connectwise: 'ConnectWise', autotask: 'Autotask' };

/**
 * The ConnectWise site: a host name (optionally with a port). A pasted https address is reduced to
 * its host; plain http is kept only for 127.0.0.1/localhost (the simulators).
 */
const SiteSchema = z
  .string()
  .trim()
  .max(253)
  .transform((value, ctx) => {
    if (value === '') return '';
    if (/^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?\/?$/.test(value)) return value.replace(/\/$/, '');
    const host = /^(?:https:\/\/)?([A-Za-z0-9.-]+(?::\d{1,5})?)(?:\/\S*)?$/.exec(value)?.[1];
    if (!host) {
      ctx.addIssue({ code: 'custom', message: 'Enter a host name such as na.myconnectwise.net (https only)' });
      return z.NEVER;
    }
    return host.toLowerCase();
  });

const OptionalIdSchema = z.number().int().positive().nullable();

export const ConnectWiseSettingsSchema = z.object({
  site: SiteSchema.default(''),
});

export const AutotaskSettingsSchema = z.object({
  materialBillingCodeId: OptionalIdSchema.default(null),
  /** The share of the tenant's hourly API threshold (shared by every integration) this app may bring it to. */
  apiSharePercent: z.number().int('The API share is a whole percentage').min(5, 'The API share is at least 5%').max(90, 'The API share is at most 90%').default(50),
});

/** A ConnectWise company identifier or an Autotask company id (as text). */
export const PsaCompanyRefSchema = z.string().trim().min(1, 'Enter a PSA company').max(100, 'A PSA company reference has at most 100 characters');

export const QUERY_THRESHOLD_DEFAULT = 3;

/** A suggested match at or above this confidence is offered for "accept all"; below it, it is marked for a look first. */
export const CONFIDENT_SUGGESTION = 0.9;

export const TicketingSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  threshold: z.number().int('The query threshold must be a whole number').min(1, 'The query threshold must be at least 1').max(100_000).default(QUERY_THRESHOLD_DEFAULT),
  connectwise: z
    .object({
      boardId: OptionalIdSchema.default(null),
      statusId: OptionalIdSchema.default(null),
      priorityId: OptionalIdSchema.default(null),
      typeId: OptionalIdSchema.default(null),
      subTypeId: OptionalIdSchema.default(null),
      itemId: OptionalIdSchema.default(null),
    })
    .prefault({}),
  autotask: z
    .object({
      queueId: OptionalIdSchema.default(null),
      statusId: OptionalIdSchema.default(null),
      priorityId: OptionalIdSchema.default(null),
      issueTypeId: OptionalIdSchema.default(null),
      subIssueTypeId: OptionalIdSchema.default(null),
    })
    .prefault({}),
  /** Receives the tickets of customers that are not mapped, or whose PSA company is inactive or missing; off when null. */
  fallbackCompany: PsaCompanyRefSchema.nullable().default(null),
});

/** What tickets cannot do without, for the chosen PSA; null when the choices are enough. Main and the wizard share it. */
export function missingTicketingChoice(kind: PsaKind, ticketing: z.input<typeof TicketingSettingsSchema>): string | null {
  if (kind === 'connectwise') return ticketing.connectwise?.boardId == null ? 'No ConnectWise service board is chosen for tickets' : null;
  return ticketing.autotask?.queueId == null || ticketing.autotask.priorityId == null ? 'No Autotask queue or priority is chosen for tickets' : null;
}

export const ScheduleSettingsSchema = z.object({
  syncEnabled: z.boolean().default(true),
  ticketsEnabled: z.boolean().default(true),
  paused: z.boolean().default(false),
});

const ProductOverrideSchema = z.object({ orgId: z.number().int().positive(), productId: z.number().int().positive() });

/** Billing: the product that stands for Umbrella seats in each PSA (its id there), chosen once. */
export const BillingSettingsSchema = z.object({
  /** The ConnectWise procurement catalog item billed on agreements for Umbrella seats. */
  connectwiseProductId: z.number().int().positive().nullable().default(null),
  /** The Autotask service billed on Recurring Service contracts for Umbrella seats. */
  autotaskServiceId: z.number().int().positive().nullable().default(null),
  /**
   * Per customer (Umbrella org id), another product than the one above: a customer on another Umbrella package.
   * A list, so that a save replaces it whole (an entry removed stays removed).
   */
  productOverrides: z.object({
    connectwise: z.array(ProductOverrideSchema).max(100_000).default([]),
    autotask: z.array(ProductOverrideSchema).max(100_000).default([]),
  }).prefault({}),
  /** After each real daily sync, compare seats with what the PSA bills (reads the PSA's agreements or contracts). */
  checkAfterSync: z.boolean().default(false),
  /**
   * After that check, apply increases of at most `maxSeats` seats without asking, from the first of next month
   * (decreases and larger changes always wait for an approval). Off unless the administrator turns it on.
   */
  autoApply: z.object({
    enabled: z.boolean().default(false),
    maxSeats: z.number().int().min(1, 'At least 1 seat').max(10_000, 'At most 10000 seats').default(5),
  }).prefault({}),
});

/** What the app remembers of its own work: the run history and the audit trail of every PSA write. */
export const HistorySettingsSchema = z.object({
  /** Days the run history and the audit trail are kept (older entries are deleted once a day). */
  retentionDays: z.number().int().min(30, 'Keep the history at least 30 days').max(3650, 'Keep the history at most 3650 days (ten years)').default(365),
});

/** The desktop app's own preferences (the CLI and the service ignore them). */
export const DesktopSettingsSchema = z.object({
  /** Start the app (hidden, in the tray) when the user signs in. */
  startAtLogin: z.boolean().default(false),
  notifications: z.object({
    /** A sync or ticket check that failed, or failed for some customers. */
    failedRuns: z.boolean().default(true),
    /** Botnet tickets opened by a ticket check. */
    ticketsOpened: z.boolean().default(true),
    /** Customers under- or over-billed after the daily sync's billing check (when it runs). */
    billingDrift: z.boolean().default(true),
  }).prefault({}),
  /** The one-time "still running in the tray" hint after the window was first closed. */
  closeHintShown: z.boolean().default(false),
});
export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

/** The window's screens, which a notification may open. */
export const ScreenSchema = z.enum(['setup', 'status', 'customers', 'billing', 'preferences']);
export type Screen = z.infer<typeof ScreenSchema>;

export const CustomerMappingSchema = z.object({
  /** ConnectWise company identifier or Autotask company id (as text); null when not mapped. */
  psaCompany: PsaCompanyRefSchema.nullable().default(null),
  excluded: z.boolean().default(false),
});

export type CustomerMapping = z.infer<typeof CustomerMappingSchema>;

/** Umbrella organization ids are numeric; kept as decimal strings because they are record keys. */
export const OrgIdSchema = z.string().regex(/^\d{1,12}$/, 'An Umbrella organization id is a number');

/** Plain http on this machine only (the simulators, a dev server): 127.0.0.1 or localhost, any port. */
export function isLoopbackHttpUrl(value: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(value);
}

/** Loopback http is accepted (the simulators); anything else must be https. */
const EndpointSchema = z
  .string()
  .trim()
  .pipe(z.url('Enter a full address such as https://api.umbrella.com'))
  .refine((value) => value.startsWith('https://') || isLoopbackHttpUrl(value), 'Use https (plain http only for 127.0.0.1 or localhost)')
  .nullable()
  .default(null);

/** Advanced: where the vendor APIs are (defaults: Cisco's and Datto's public hosts). */
export const EndpointSettingsSchema = z.object({
  umbrellaBaseUrl: EndpointSchema,
  autotaskDiscoveryUrl: EndpointSchema,
});

export const SettingsSchema = z.object({
  psa: z.object({ kind: PsaKindSchema.nullable().default(null) }).prefault({}),
  connectwise: ConnectWiseSettingsSchema.prefault({}),
  autotask: AutotaskSettingsSchema.prefault({}),
  ticketing: TicketingSettingsSchema.prefault({}),
  schedule: ScheduleSettingsSchema.prefault({}),
  mappings: z.record(OrgIdSchema, CustomerMappingSchema).default({}),
  endpoints: EndpointSettingsSchema.prefault({}),
  desktop: DesktopSettingsSchema.prefault({}),
  history: HistorySettingsSchema.prefault({}),
  billing: BillingSettingsSchema.prefault({}),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const SETTINGS_SECTIONS = Object.keys(SettingsSchema.shape) as (keyof Settings)[];

/**
 * What a save may name: any field of a section (nested ones too), without defaults, so that a field left
 * out is left alone rather than reset.
 */
type FieldPatch<T> = T extends z.ZodDefault<infer I> | z.ZodPrefault<infer I>
  ? FieldPatch<I>
  : T extends z.ZodObject<infer Shape>
    ? z.ZodOptional<z.ZodObject<{ [K in keyof Shape]: FieldPatch<Shape[K]> }, z.core.$strict>>
    : T extends z.ZodType ? z.ZodOptional<T> : never;

function fieldPatch<T extends z.ZodType>(schema: T): FieldPatch<T> {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault) inner = inner.def.innerType as z.ZodType;
  if (inner instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = inner.shape;
    return z.strictObject(Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, fieldPatch(field)]))).optional() as unknown as FieldPatch<T>;
  }
  return inner.optional() as unknown as FieldPatch<T>;
}

/**
 * A save changes only what it names: the fields of a section (a nested object field by field), and
 * the mapping entries (null removes one); everything else stays as it is in the latest file, so a
 * window open for an hour cannot undo what the CLI or another window saved meanwhile.
 */
export const SettingsPatchSchema = z
  .strictObject({
    psa: fieldPatch(SettingsSchema.shape.psa),
    connectwise: fieldPatch(SettingsSchema.shape.connectwise),
    autotask: fieldPatch(SettingsSchema.shape.autotask),
    ticketing: fieldPatch(SettingsSchema.shape.ticketing),
    schedule: fieldPatch(SettingsSchema.shape.schedule),
    mappings: z.record(OrgIdSchema, CustomerMappingSchema.nullable()).optional(),
    endpoints: fieldPatch(SettingsSchema.shape.endpoints),
    desktop: fieldPatch(SettingsSchema.shape.desktop),
    history: fieldPatch(SettingsSchema.shape.history),
    billing: fieldPatch(SettingsSchema.shape.billing),
  })
  .refine((patch) => Object.values(patch).some((section) => section !== undefined), 'Nothing to save: name at least one settings section');
export type SettingsPatch = z.input<typeof SettingsPatchSchema>;

// ---- credentials: write-only from the renderer's point of view ----

export const CREDENTIAL_FIELDS = {
  umbrella: ['apiKey', 'apiSecret'],
  connectwise: ['companyId', 'publicKey', 'privateKey', 'clientId'],
  autotask: ['username', 'secret', 'integrationCode'],
} as const;
export type CredentialKind = keyof typeof CREDENTIAL_FIELDS;
export type CredentialField<K extends CredentialKind> = (typeof CREDENTIAL_FIELDS)[K][number];
export const CredentialKindSchema = z.enum(['umbrella', 'connectwise', 'autotask']);

/** Stored as trimmed, so a pasted trailing space or line break never reaches the vendor. */
const SecretValueSchema = z
  .string()
  .trim()
  .min(1, 'Enter a value')
  .max(1024, 'This value is too long (at most 1024 characters)')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'This value must be one line of visible characters (no line break, tab or other control character)');

/** Fields sent as they are in an HTTP header (not inside Basic auth): printable ASCII only, or the request cannot be sent. */
const HEADER_FIELDS: Partial<Record<CredentialKind, readonly string[]>> = {
  connectwise: ['clientId'],
  autotask: ['username', 'secret', 'integrationCode'],
};
const HeaderValueSchema = SecretValueSchema.regex(/^[\x20-\x7e]*$/, 'This value is sent in an HTTP header, so it can hold only letters, digits, spaces and ASCII punctuation: check for a pasted non-breaking space, curly quote or accented letter');

function credentialValues<K extends CredentialKind>(kind: K) {
  const shape = Object.fromEntries(CREDENTIAL_FIELDS[kind].map((field) => [field, (HEADER_FIELDS[kind]?.includes(field) ? HeaderValueSchema : SecretValueSchema).optional()])) as {
    [F in CredentialField<K>]: z.ZodOptional<typeof SecretValueSchema>;
  };
  return z
    .object(shape)
    .strict()
    .refine((values) => Object.values(values).some((v) => v !== undefined), 'Enter at least one value to save');
}

/** Sets (or replaces) some or all fields of one credential kind. Fields left out keep their saved value. */
export const SetCredentialsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('umbrella'), values: credentialValues('umbrella') }).strict(),
  z.object({ kind: z.literal('connectwise'), values: credentialValues('connectwise') }).strict(),
  z.object({ kind: z.literal('autotask'), values: credentialValues('autotask') }).strict(),
]);
export type SetCredentialsRequest = z.input<typeof SetCredentialsSchema>;

function kindStatus<K extends CredentialKind>(kind: K) {
  const fields = Object.fromEntries(CREDENTIAL_FIELDS[kind].map((field) => [field, z.boolean()])) as {
    [F in CredentialField<K>]: z.ZodBoolean;
  };
  return z.object({ complete: z.boolean(), fields: z.object(fields) });
}

/** Whether each credential is saved — never the value. */
export const CredentialsStatusSchema = z.object({
  umbrella: kindStatus('umbrella'),
  connectwise: kindStatus('connectwise'),
  autotask: kindStatus('autotask'),
});
export type CredentialsStatus = z.infer<typeof CredentialsStatusSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  productName: z.string(),
  version: z.string(),
  platform: z.string(),
  demo: z.boolean(),
  /** Demo mode: the ConnectWise simulator's address, for the wizard's "Fill in the demo credentials". */
  demoConnectWiseSite: z.string().optional(),
  dataDir: z.string(),
  /** Files found damaged at start-up and moved or copied aside, said with where they went. */
  notices: z.array(z.string().max(4000)).max(20).optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

// ---- sync runs ----

export const CustomerResultSchema = z.object({
  orgId: z.number().int(),
  name: z.string(),
  status: z.enum(['created', 'updated', 'unchanged', 'skipped', 'failed']),
  reason: z.string().optional(),
  changedFields: z.array(z.string()).optional(),
});
export type CustomerResult = z.infer<typeof CustomerResultSchema>;

export const RunRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(['sync', 'tickets']),
  psa: z.enum(['connectwise', 'autotask']),
  dryRun: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
  counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), skipped: z.number(), failed: z.number() }),
  requests: z.object({ umbrella: z.number(), psa: z.number() }),
  /** Customers that were skipped or failed, with the reason (successes are only counted). */
  problems: z.array(CustomerResultSchema),
  notes: z.array(z.string()),
  /** Syncs with the billing check after them: the drift found, and the increases applied without asking. */
  billing: z.object({
    underBilled: z.object({ customers: z.number(), seats: z.number() }),
    overBilled: z.object({ customers: z.number(), seats: z.number() }),
    toReview: z.number(),
    autoApplied: z.number(),
    planId: z.number().nullable(),
  }).optional(),
  /** Ticket checks: the tickets opened or noted (at most RECENT_TICKETS_PER_RUN). */
  tickets: z.array(z.object({
    customer: z.string(),
    identity: z.string(),
    ticketId: z.number().int(),
    action: z.enum(['created', 'noted']),
    count: z.number(),
  })).optional(),
  error: z.string().optional(),
  /** A "Check now" of the current partial window: it marks nothing done, so the schedule ignores it. */
  checkNow: z.boolean().optional(),
  /** Stopped on purpose before the end (the service shutting down): done again at the next start, not after the retry delay. */
  stopped: z.boolean().optional(),
  /** The PSA tenant's API usage as last read in the run (Autotask's hourly threshold, shared by every integration). */
  psaUsage: z.object({ used: z.number(), limit: z.number(), cap: z.number(), at: z.string() }).optional(),
});
export const RECENT_TICKETS_PER_RUN = 100;

/** The things in the PSA the app writes, as the audit trail names them. */
export const PSA_WRITE_ENTITIES = ['configuration type', 'question', 'product', 'udf', 'configuration', 'ticket', 'note', 'agreement addition', 'service adjustment', 'contract note'] as const;
export const WrittenFieldSchema = z.object({ field: z.string(), old: z.union([z.string(), z.number()]).nullable(), new: z.union([z.string(), z.number()]).nullable() });
export type WrittenField = z.infer<typeof WrittenFieldSchema>;

/** One write the app made to the PSA, as the audit trail keeps it. */
export const PsaWriteSchema = z.object({
  /** The run that made it (`sync-…`, `tickets-…`), or null for a write outside a run (set-up, a test ticket). */
  runId: z.string().nullable(),
  psa: PsaKindSchema,
  orgId: z.number().int().nullable(),
  customer: z.string().nullable(),
  companyId: z.number().int().nullable(),
  company: z.string().nullable(),
  entity: z.enum(PSA_WRITE_ENTITIES),
  entityId: z.string().nullable(),
  action: z.enum(['created', 'updated', 'added']),
  /** Each field's old and new value as the PSA received it (old is null for a create). */
  changes: z.array(WrittenFieldSchema),
  /** What a field change cannot say: the identity of a ticket, the title of a note. */
  detail: z.string().nullable(),
});
export type PsaWrite = z.infer<typeof PsaWriteSchema>;
export const PsaWriteRecordSchema = PsaWriteSchema.extend({ id: z.number().int(), /** When it was recorded (ISO). */ at: z.string() });
export type PsaWriteRecord = z.infer<typeof PsaWriteRecordSchema>;
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const FieldChangeSchema = z.object({
  field: z.string(),
  label: z.string(),
  before: z.union([z.string(), z.number()]).nullable(),
  after: z.union([z.string(), z.number()]),
});

export const CustomerOutcomeSchema = CustomerResultSchema.extend({
  psaCompany: z.string().optional(),
  changes: z.array(FieldChangeSchema).optional(),
  /** Fields 10-15 (last month's figures) are those read at this time (ISO), kept until the month is over, not asked of Umbrella again. */
  monthlyKeptSince: z.string().optional(),
});
export type CustomerOutcomeView = z.infer<typeof CustomerOutcomeSchema>;

export const SyncRunSchema = z.object({ record: RunRecordSchema, outcomes: z.array(CustomerOutcomeSchema) });
export type SyncRunView = z.infer<typeof SyncRunSchema>;

export const TicketActionSchema = z.object({
  orgId: z.number().int(),
  customer: z.string(),
  identity: z.string().optional(),
  window: z.number(),
  action: z.enum(['created', 'noted', 'unchanged', 'failed', 'unticketed', 'lost']),
  ticketId: z.number().int().optional(),
  count: z.number().optional(),
  reason: z.string().optional(),
});

export const TicketRunSchema = z.object({
  record: RunRecordSchema,
  actions: z.array(TicketActionSchema),
  processedWindows: z.array(z.number()),
  skippedWindows: z.array(z.number()),
  retries: z.array(z.object({ orgId: z.number().int(), customer: z.string(), window: z.number() })),
});
export type TicketRunView = z.infer<typeof TicketRunSchema>;

export const CustomerOverviewSchema = z.object({
  psa: PsaKindSchema,
  customers: z.array(z.object({
    orgId: z.number().int(),
    name: z.string(),
    seats: z.number().int().nullable(),
    psaCompany: z.string().nullable(),
    excluded: z.boolean(),
    suggestion: z.object({ reference: z.string(), name: z.string(), confidence: z.number() }).nullable(),
    /** This customer's outcome in the last real sync. */
    lastResult: z.object({ status: CustomerResultSchema.shape.status, reason: z.string().optional(), at: z.string() }).nullable(),
  })),
  companies: z.array(z.object({ reference: z.string(), name: z.string(), active: z.boolean() })),
});
export type CustomerOverview = z.infer<typeof CustomerOverviewSchema>;

/** Live progress of a run, pushed from main whoever started it (window, tray or schedule). */
export const RunProgressSchema = z.object({
  kind: z.enum(['sync', 'tickets']),
  dryRun: z.boolean(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  finished: z.boolean(),
  /** Why the run is waiting right now, e.g. for a vendor's rate-limit window. */
  waiting: z.string().max(300).optional(),
});
export type RunProgress = z.infer<typeof RunProgressSchema>;

const OptionSchema = z.object({ id: z.number().int(), name: z.string() });
export type Option = z.infer<typeof OptionSchema>;

/**
 * What the ticketing step offers. ConnectWise: the boards, then for the chosen board its lists and
 * the type/subtype/item combinations the board allows. Autotask: the Tickets picklists (sub-issue
 * types carry the issue type they belong to).
 */
export const TicketingOptionsSchema = z.discriminatedUnion('psa', [
  z.object({
    psa: z.literal('connectwise'),
    boards: z.array(OptionSchema),
    board: z.object({
      statuses: z.array(OptionSchema),
      priorities: z.array(OptionSchema),
      types: z.array(OptionSchema),
      subTypes: z.array(OptionSchema),
      items: z.array(OptionSchema),
      combinations: z.array(z.object({ typeId: z.number().int(), subTypeId: z.number().int().nullable(), itemId: z.number().int().nullable() })),
    }).nullable(),
  }),
  z.object({
    psa: z.literal('autotask'),
    queues: z.array(OptionSchema),
    statuses: z.array(OptionSchema),
    priorities: z.array(OptionSchema),
    issueTypes: z.array(OptionSchema),
    subIssueTypes: z.array(OptionSchema.extend({ issueTypeId: z.number().int().nullable() })),
  }),
]);
export type TicketingOptions = z.infer<typeof TicketingOptionsSchema>;

export const BillingCodeSchema = z.object({ id: z.number().int(), name: z.string(), description: z.string().nullable() });
export type BillingCodeOption = z.infer<typeof BillingCodeSchema>;

export const ScheduleStatusSchema = z.array(z.object({ name: z.string(), nextRunAt: z.string(), running: z.boolean() }));

/** PSA writes for the window, with the names the PSA shows for the fields they changed. */
export const PsaWritesViewSchema = z.object({
  writes: z.array(PsaWriteRecordSchema),
  /** Field key -> the question (ConnectWise) or UDF (Autotask) name the PSA shows. */
  fieldLabels: z.record(z.string(), z.string()),
});
export type PsaWritesView = z.infer<typeof PsaWritesViewSchema>;

/** One customer as the app last wrote it to the PSA: the 16 values (when, by which run) and its latest writes. */
export const CustomerDetailSchema = PsaWritesViewSchema.extend({
  orgId: z.number().int(),
  configuration: z.object({
    configurationId: z.number().int(),
    companyId: z.number().int(),
    writtenAt: z.string(),
    runId: z.string(),
    values: z.array(z.object({ field: z.string(), label: z.string(), value: z.union([z.string(), z.number()]).nullable() })),
  }).nullable(),
});
export type CustomerDetail = z.infer<typeof CustomerDetailSchema>;

/** Billing: one customer's seats in Umbrella against what the PSA bills for the Umbrella product (read only). */
export const DRIFT_STATUSES = ['in-step', 'under-billed', 'over-billed', 'no-line', 'several-lines', 'no-agreement', 'ended', 'no-company', 'not-mapped', 'trial'] as const;
export const DriftStatusSchema = z.enum(DRIFT_STATUSES);
export type DriftStatus = z.infer<typeof DriftStatusSchema>;

export const DriftRowSchema = z.object({
  orgId: z.number().int(),
  customer: z.string(),
  /** Seats Cisco bills the MSP for this customer. */
  seats: z.number(),
  psaCompany: z.string().nullable(),
  /** What the PSA bills for the product on the day (null when there is no single line to read). */
  billed: z.number().nullable(),
  /** seats - billed: positive is under-billed (revenue lost), negative over-billed. */
  difference: z.number().nullable(),
  status: DriftStatusSchema,
  /** What to look at, in words. */
  detail: z.string(),
  /** The product compared for this customer when it is not the report's (a per-customer override). */
  product: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  lines: z.array(z.object({ id: z.number().int(), agreementId: z.number().int(), quantity: z.number(), where: z.string() })),
});
export type DriftRow = z.infer<typeof DriftRowSchema>;

export const DriftReportSchema = z.object({
  day: z.string(),
  product: z.object({ id: z.number().int(), name: z.string(), active: z.boolean() }),
  rows: z.array(DriftRowSchema),
  totals: z.object({
    /** Seats of the customers with a PSA company. */
    umbrellaSeats: z.number(),
    /** The customers compared (one line each), their seats in Umbrella and in the PSA. */
    compared: z.number(),
    comparedSeats: z.number(),
    billedSeats: z.number(),
    inStep: z.number(),
    underBilled: z.object({ customers: z.number(), seats: z.number() }),
    overBilled: z.object({ customers: z.number(), seats: z.number() }),
    /** Customers whose line cannot be compared. */
    toReview: z.number(),
    /** Customers on a trial (not billed by Cisco yet): neither compared nor counted in the seats. */
    trials: z.number(),
  }),
  /** What Cisco bills the MSP, from the provider's console (the third side of the check); null where the console does not answer it. */
  console: z.object({ seatsTotal: z.number(), seatsUsed: z.number(), customerCount: z.number(), packageName: z.string() }).nullable(),
  /** Why the console's figures are missing, when they are. */
  consoleNote: z.string().nullable(),
});
export type DriftReport = z.infer<typeof DriftReportSchema>;

/** How a plan line changes the PSA: ConnectWise sets the addition's quantity, or ends it and adds one dated on the day (an agreement that prorates); Autotask posts one adjustment of the difference. */
export const BILLING_METHODS = ['set-quantity', 'end-and-add', 'adjust'] as const;
export type BillingMethod = (typeof BILLING_METHODS)[number];

/** A customer's seat change on one PSA line: the part a plan line and a change in the ledger share. */
const SeatLineSchema = z.object({
  orgId: z.number().int(),
  customer: z.string(),
  companyId: z.number().int(),
  company: z.string(),
  /** The ConnectWise agreement or Autotask contract, and the addition or contract service on it. */
  agreementId: z.number().int(),
  lineId: z.number().int(),
  /** The product the line bills (the plan's, or the customer's override). */
  productId: z.number().int(),
  where: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  method: z.enum(BILLING_METHODS),
});

/** One customer's change in a billing plan: the PSA line brought from what it bills on the effective day to Umbrella's seats. */
export const BillingPlanLineSchema = SeatLineSchema.extend({
  /** Its number in the plan (1, 2, ...): what an approval names. */
  line: z.number().int().positive(),
  /** What the method writes, in words. */
  detail: z.string(),
  /** Why this line cannot be written on the day (cancelled, expired, posted, ...): shown, never approved. */
  blocked: z.string().nullable(),
});
export type BillingPlanLine = z.infer<typeof BillingPlanLineSchema>;

export const BillingPlanSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  /** The effective day of every line (YYYY-MM-DD): today, or the first of next month. */
  effective: z.string(),
  psa: PsaKindSchema,
  product: z.object({ id: z.number().int(), name: z.string() }),
  lines: z.array(BillingPlanLineSchema),
  /** Customers with drift that no plan line can carry (no line, several lines, no agreement...): see the drift report. */
  toReview: z.number().int(),
});
export type BillingPlan = z.infer<typeof BillingPlanSchema>;

/**
 * A seat change in the billing ledger: recorded as "sending" before anything is sent, then applied (read back), not needed
 * (the PSA already billed it), refused (nothing written: blocked, or the PSA changed since the plan), or undone by a later change.
 */
export const BILLING_CHANGE_STATES = ['sending', 'applied', 'not-needed', 'refused', 'undone'] as const;
export const BillingChangeSchema = SeatLineSchema.extend({
  id: z.number().int(),
  planId: z.number().int().nullable(),
  planLine: z.number().int().nullable(),
  psa: PsaKindSchema,
  effective: z.string(),
  state: z.enum(BILLING_CHANGE_STATES),
  /** The change this one undid, if it is an undo. */
  undoOf: z.number().int().nullable(),
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  detail: z.string().nullable(),
});
export type BillingChange = z.infer<typeof BillingChangeSchema>;

/** What happened to one approved plan line (or to a change left by a stopped process, settled first). */
export const APPLY_OUTCOMES = ['applied', 'found', 'not-needed', 'refused', 'busy', 'already', 'unknown'] as const;
export const ApplyOutcomeSchema = z.object({
  line: z.number().int().nullable(),
  customer: z.string(),
  outcome: z.enum(APPLY_OUTCOMES),
  message: z.string(),
  change: BillingChangeSchema.nullable(),
});
export type ApplyOutcome = z.infer<typeof ApplyOutcomeSchema>;
export const EffectiveChoiceSchema = z.enum(['today', 'next-month']);
export type EffectiveChoice = z.infer<typeof EffectiveChoiceSchema>;
/** How many billing changes the window lists (the CLI's `billing changes --limit` has more). */
export const BILLING_CHANGES_SHOWN = 200;

/** A day as YYYY-MM-DD, a real calendar day. */
export const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A day such as 2026-12-01').refine((day) => {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}, 'Not a day of the calendar');

/** How many of a customer's latest writes its detail shows (the CLI's `history --customer` has them all). */
export const CUSTOMER_WRITES_SHOWN = 100;

// ---- the channels ----

export const MAX_CSV_CHARS = 20_000_000;

const NoPayload = z.undefined({ error: 'This call takes no payload' });

export const contract = {
  getAppInfo: { channel: CHANNELS.getAppInfo, request: NoPayload, response: AppInfoSchema },
  getSettings: { channel: CHANNELS.getSettings, request: NoPayload, response: SettingsSchema },
  saveSettings: { channel: CHANNELS.saveSettings, request: SettingsPatchSchema, response: SettingsSchema },
  setCredentials: { channel: CHANNELS.setCredentials, request: SetCredentialsSchema, response: CredentialsStatusSchema },
  getCredentialsStatus: { channel: CHANNELS.getCredentialsStatus, request: NoPayload, response: CredentialsStatusSchema },
  clearCredentials: {
    channel: CHANNELS.clearCredentials,
    request: z.object({ kind: CredentialKindSchema }).strict(),
    response: CredentialsStatusSchema,
  },
  runSync: { channel: CHANNELS.runSync, request: z.object({ dryRun: z.boolean() }).strict(), response: SyncRunSchema },
  getRunHistory: { channel: CHANNELS.getRunHistory, request: NoPayload, response: z.array(RunRecordSchema) },
  getScheduleStatus: { channel: CHANNELS.getScheduleStatus, request: NoPayload, response: ScheduleStatusSchema },
  checkTickets: { channel: CHANNELS.checkTickets, request: NoPayload, response: TicketRunSchema },
  sendTestTicket: {
    channel: CHANNELS.sendTestTicket,
    /** To a chosen PSA company, or (without one) to the first customer mapped to an active company. */
    request: z.object({ psaCompany: PsaCompanyRefSchema }).strict().optional(),
    response: z.object({ ticketId: z.number().int(), company: z.string() }),
  },
  getCustomerOverview: { channel: CHANNELS.getCustomerOverview, request: NoPayload, response: CustomerOverviewSchema },
  getCustomerDetail: { channel: CHANNELS.getCustomerDetail, request: z.object({ orgId: z.number().int().positive().max(999_999_999_999) }).strict(), response: CustomerDetailSchema },
  /** What one run wrote to the PSA (its audit trail). */
  /** The seat drift report on a day (default today, UTC): reads the PSA's agreements or contracts, writes nothing. */
  getBillingReport: { channel: CHANNELS.getBillingReport, request: z.object({ day: DaySchema }).strict().optional(), response: DriftReportSchema },
  /** Chooses the product that bills Umbrella seats (checked with the PSA first); answers it. */
  setBillingProduct: {
    channel: CHANNELS.setBillingProduct,
    request: z.object({ reference: z.string().trim().min(1, 'Name the catalog item or service').max(100, 'At most 100 characters') }).strict(),
    response: z.object({ id: z.number().int(), name: z.string(), active: z.boolean() }),
  },
  /** Makes and saves the billing plan for an effective day; writes nothing to the PSA. */
  makeBillingPlan: { channel: CHANNELS.makeBillingPlan, request: z.object({ effective: EffectiveChoiceSchema }).strict(), response: BillingPlanSchema },
  /** Applies the approved lines of a saved plan (by their numbers: the plan itself stays in main). */
  applyBillingPlan: {
    channel: CHANNELS.applyBillingPlan,
    request: z.object({
      planId: z.number().int().positive().max(2_147_483_647),
      lines: z.array(z.number().int().positive().max(100_000)).min(1, 'Approve at least one line').max(10_000).refine((lines) => new Set(lines).size === lines.length, 'Each line once'),
    }).strict(),
    response: z.array(ApplyOutcomeSchema),
  },
  undoBillingChange: { channel: CHANNELS.undoBillingChange, request: z.object({ changeId: z.number().int().positive().max(2_147_483_647) }).strict(), response: ApplyOutcomeSchema },
  /** The latest seat changes written (BILLING_CHANGES_SHOWN). */
  getBillingChanges: { channel: CHANNELS.getBillingChanges, request: NoPayload, response: z.array(BillingChangeSchema) },
  getRunChanges: {
    channel: CHANNELS.getRunChanges,
    request: z.object({ runId: z.string().regex(/^(sync|tickets)-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'A run id such as sync-2026-12-01T00:00:00.000Z') }).strict(),
    response: PsaWritesViewSchema,
  },
  testConnection: { channel: CHANNELS.testConnection, request: z.object({ target: z.enum(['umbrella', 'psa']) }).strict(), response: z.object({ message: z.string() }) },
  /** Removes the PSA integration (credentials, site, billing code, ticketing); mappings and Umbrella stay. */
  removeIntegration: { channel: CHANNELS.removeIntegration, request: NoPayload, response: z.object({ settings: SettingsSchema, credentials: CredentialsStatusSchema }) },
  listBillingCodes: { channel: CHANNELS.listBillingCodes, request: NoPayload, response: z.array(BillingCodeSchema) },
  /** Asks where to save (the OS save dialog) and writes the CSV there; saved false when the user cancels. */
  saveCsvFile: {
    channel: CHANNELS.saveCsvFile,
    request: z.object({
      fileName: z.string().regex(/^[A-Za-z0-9._-]{1,100}\.csv$/, 'A file name such as mapping.csv (letters, digits, dot, dash, underscore)'),
      contents: z.string().max(MAX_CSV_CHARS, 'The file is too large to save (over 20 million characters)'),
    }).strict(),
    response: z.object({ saved: z.boolean(), path: z.string().nullable() }),
  },
  /** Opens the log folder in the OS file manager; answers where it is. */
  openLogsFolder: { channel: CHANNELS.openLogsFolder, request: NoPayload, response: z.object({ path: z.string() }) },
  /** Copies a redacted diagnostics report (versions, settings, last runs, recent log lines) to the clipboard. */
  copyDiagnostics: { channel: CHANNELS.copyDiagnostics, request: NoPayload, response: z.object({ characters: z.number().int() }) },
  getTicketingOptions: { channel: CHANNELS.getTicketingOptions, request: z.object({ boardId: z.number().int().positive().nullable() }).strict(), response: TicketingOptionsSchema },
} as const satisfies Record<Verb, { channel: string; request: z.ZodType; response: z.ZodType }>;

export type Contract = typeof contract;
export type RequestOf<V extends Verb> = z.input<Contract[V]['request']>;
export type ParsedRequestOf<V extends Verb> = z.output<Contract[V]['request']>;
export type ResponseOf<V extends Verb> = z.output<Contract[V]['response']>;

// ---- results: every call resolves to one of these; nothing is thrown across the bridge ----

export const IPC_ERROR_CODES = [
  'UNTRUSTED_SENDER',
  'UNKNOWN_CHANNEL',
  'INVALID_PAYLOAD',
  'KEYCHAIN_UNAVAILABLE',
  'NOT_CONFIGURED',
  'CONNECTION_FAILED',
  'BUSY',
  'FILE_ERROR',
  'NOT_ALLOWED',
  'INTERNAL',
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export interface IpcErrorBody {
  code: IpcErrorCode;
  /** Safe to show the user as is: never contains a secret. */
  message: string;
  /** For INVALID_PAYLOAD: which field is wrong and why. */
  issues?: { path: string; message: string }[];
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcErrorBody };

/** Payload of each event main pushes; the renderer parses it with this schema. */
export const eventContract = {
  runProgress: { channel: EVENTS.runProgress, payload: RunProgressSchema },
  openScreen: { channel: EVENTS.openScreen, payload: z.object({ screen: ScreenSchema }) },
} as const;

/** The API the preload puts on `window.umbrellaPsa`: one named verb per contract entry, one listener verb per event. */
export type UmbrellaPsaApi = {
  [V in Verb]: undefined extends RequestOf<V>
    ? (request?: RequestOf<V>) => Promise<IpcResult<ResponseOf<V>>>
    : (request: RequestOf<V>) => Promise<IpcResult<ResponseOf<V>>>;
} & {
  /** Unvalidated on arrival: parse with eventContract.runProgress.payload. Returns the unsubscribe function. */
  [E in keyof typeof EVENT_VERBS as (typeof EVENT_VERBS)[E]]: (listener: (payload: unknown) => void) => () => void;
};
