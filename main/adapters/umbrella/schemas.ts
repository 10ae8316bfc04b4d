/**
 * Zod schemas for the Umbrella responses the app reads. Tolerant by design: unknown fields pass,
 * optional fields may be missing, so a vendor addition never breaks a sync; what we rely on is
 * checked, and a response without it is a clear error instead of a wrong number in the PSA.
 */
import { z } from 'zod';
import { oneLine } from '../../domain/text';

/** A name Umbrella's users chose (a customer, a network, a computer, an identity): one line, no escape or control characters. */
const DisplayText = z.string().transform(oneLine);

export const TokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

export const ManagedCustomerSchema = z.object({
  customerId: z.number().int(),
  customerName: DisplayText,
  seats: z.number().int().nullable().optional(),
});

export const ProviderCustomerSchema = ManagedCustomerSchema.extend({
  packageName: z.string().nullable().optional(),
  packageId: z.number().int().nullable().optional(),
  /** Declared `default: true` in Cisco's document: a missing flag is read as unknown, never as a trial. */
  isTrial: z.boolean().nullable().optional(),
});

export const NetworkSchema = z.object({
  originId: z.number().int(),
  name: DisplayText,
  status: z.string().optional(),
});
export type UmbrellaNetwork = z.infer<typeof NetworkSchema>;

export const RoamingComputerSchema = z.object({
  originId: z.number().int(),
  name: DisplayText,
  type: z.string(),
  // YAML 1.1 tooling turns the spec's unquoted `Off` into false; accept both spellings.
  status: z.union([z.string(), z.literal(false).transform(() => 'Off')]).optional(),
  lastSync: z.string().nullable().optional(),
  deviceId: z.string().optional(),
});
export type UmbrellaRoamingComputer = z.infer<typeof RoamingComputerSchema>;

const envelope = <T extends z.ZodType>(data: T) => z.object({ data, meta: z.unknown().optional() });

export const CategorySchema = z.object({
  id: z.number().int(),
  label: z.string(),
  type: z.string(),
  deprecated: z.boolean().optional().default(false),
  legacyid: z.number().int().optional(),
});
export type UmbrellaCategory = z.infer<typeof CategorySchema>;
export const CategoriesResponse = envelope(z.array(CategorySchema));

export const CountResponse = envelope(z.object({ count: z.number() }));

const Counts = z.object({ requests: z.number(), allowedrequests: z.number().optional(), blockedrequests: z.number() });

export const TopDestinationSchema = z.object({
  domain: DisplayText,
  count: z.number(),
  counts: Counts.optional(),
  categories: z.array(CategorySchema.partial({ type: true })).optional().default([]),
});
export type TopDestination = z.infer<typeof TopDestinationSchema>;
export const TopDestinationsResponse = envelope(z.array(TopDestinationSchema));

export const TopCategorySchema = z.object({
  count: z.number(),
  category: CategorySchema,
});
export type TopCategory = z.infer<typeof TopCategorySchema>;
export const TopCategoriesResponse = envelope(z.array(TopCategorySchema));

export const IdentitySchema = z.object({
  id: z.number().int(),
  label: DisplayText,
  type: z.object({ id: z.number().int().optional(), type: z.string(), label: DisplayText.optional() }),
  deleted: z.boolean().optional(),
});
export type UmbrellaIdentity = z.infer<typeof IdentitySchema>;
export const IdentitiesResponse = envelope(z.array(IdentitySchema));

export const TopIdentitySchema = z.object({
  requests: z.number(),
  identity: IdentitySchema,
  counts: Counts,
});
export type TopIdentity = z.infer<typeof TopIdentitySchema>;
export const TopIdentitiesResponse = envelope(z.array(TopIdentitySchema));

const DeploymentCountSchema = z.object({
  type: z.object({ type: z.string(), label: z.string().optional(), id: z.number().optional() }),
  count: z.number().int(),
  activecount: z.number().int(),
});
export type DeploymentCount = z.infer<typeof DeploymentCountSchema>;
export const DeploymentStatusResponse = envelope(z.array(DeploymentCountSchema));

/** A customer org as the provider-wide reports name it. */
const OrganizationRefSchema = z.object({ id: z.number().int(), label: DisplayText.optional() });

/** Per org and category, all requests and the blocked ones, for every customer (parent token). */
export const ProviderCategoryRequestsResponse = envelope(z.array(z.object({
  organization: OrganizationRefSchema,
  counts: z.array(z.object({
    category: z.object({ id: z.number().int(), label: z.string().optional() }),
    requests: z.number(),
    requestsblocked: z.number(),
  })),
})));

export const ProviderDeploymentsResponse = envelope(z.array(z.object({
  organization: OrganizationRefSchema,
  counts: z.array(z.object({
    identitytype: z.object({ type: z.string(), label: z.string().optional(), id: z.number().optional() }),
    count: z.number().int(),
    activecount: z.number().int(),
  })),
})));

export const ActivitySchema = z.object({
  timestamp: z.number(),
  domain: z.string(),
  verdict: z.string(),
  identities: z.array(IdentitySchema).optional().default([]),
  categories: z.array(CategorySchema.partial({ type: true })).optional().default([]),
});
export type ActivityRecord = z.infer<typeof ActivitySchema>;
export const ActivityResponse = envelope(z.array(ActivitySchema));

/** Error bodies come as {message}, {data:{error}}, {error, error_description} or {statusCode,error,message}. */
export const ErrorBodySchema = z.object({
  message: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  data: z.object({ error: z.string().optional() }).optional(),
});

/** The provider's own console (Providers Console Report, reference/umbrella-api.md [SPEC-PC]): not wrapped in `data`. */
export const ProviderConsoleSchema = z.object({
  packageName: z.string(),
  seatsTotal: z.number().int(),
  seatsUsed: z.number().int(),
  customerCount: z.number().int(),
  status: z.string(),
  rebillAt: z.string().nullable().optional(),
  expiresAt: z.string().nullable().optional(),
});
export type ProviderConsole = z.infer<typeof ProviderConsoleSchema>;
