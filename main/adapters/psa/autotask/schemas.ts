/** Zod schemas for the Autotask responses the app reads (tolerant of extra fields). */
import { z } from 'zod';
import { oneLine } from '../../../domain/text';

export const ZoneSchema = z.object({ url: z.string().min(1), webUrl: z.string().optional(), zoneName: z.string().optional(), ci: z.number().optional() });

export const PageDetailsSchema = z.object({
  count: z.number().optional(),
  requestCount: z.number().optional(),
  prevPageUrl: z.string().nullable().optional(),
  nextPageUrl: z.string().nullable().optional(),
});

export const UdfValueSchema = z.object({ name: z.string(), value: z.string().nullable() });
export type UdfValue = z.infer<typeof UdfValueSchema>;

export const CompanySchema = z.object({ id: z.number().int(), companyName: z.string().transform(oneLine), isActive: z.boolean().optional().default(true) });
export type AutotaskCompany = z.infer<typeof CompanySchema>;

export const BillingCodeSchema = z.object({ id: z.number().int(), name: z.string(), description: z.string().nullable().optional(), useType: z.number().int().optional(), isActive: z.boolean().optional() });
export type BillingCode = z.infer<typeof BillingCodeSchema>;

export const ProductSchema = z.object({ id: z.number().int(), name: z.string(), productBillingCodeID: z.number().int().nullable().optional(), isActive: z.boolean().optional() });

export const ConfigurationItemSchema = z.object({
  id: z.number().int(),
  companyID: z.number().int(),
  productID: z.number().int().nullable().optional(),
  isActive: z.boolean().optional(),
  referenceTitle: z.string().nullable().optional(),
  userDefinedFields: z.array(UdfValueSchema).optional().default([]),
});
export type ConfigurationItem = z.infer<typeof ConfigurationItemSchema>;

export const TicketSchema = z.object({
  id: z.number().int(),
  ticketNumber: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int(),
  queueID: z.number().int().nullable().optional(),
  companyID: z.number().int().optional(),
  completedDate: z.string().nullable().optional(),
  externalID: z.string().nullable().optional(),
});
export type AutotaskTicket = z.infer<typeof TicketSchema>;

export const PicklistValueSchema = z.object({
  value: z.string(),
  label: z.string(),
  isDefaultValue: z.boolean().optional(),
  sortOrder: z.number().optional(),
  parentValue: z.string().nullable().optional(),
  isActive: z.boolean().optional().default(true),
  isSystem: z.boolean().optional(),
});
export type PicklistValue = z.infer<typeof PicklistValueSchema>;

export const FieldInfoSchema = z.object({
  name: z.string(),
  dataType: z.string().optional(),
  isRequired: z.boolean().optional(),
  isReadOnly: z.boolean().optional(),
  isPickList: z.boolean().optional(),
  picklistValues: z.array(PicklistValueSchema).nullable().optional(),
  picklistParentValueField: z.string().nullable().optional(),
});
export type FieldInfo = z.infer<typeof FieldInfoSchema>;

export const FieldsResponse = z.object({ fields: z.array(FieldInfoSchema) });
export const UdfFieldsResponse = z.object({ fields: z.array(z.object({ name: z.string(), label: z.string().optional(), type: z.string().optional() })) });
export const OperationResult = z.object({ itemId: z.number().int() });
export const ErrorBodySchema = z.object({ errors: z.array(z.string()).optional(), errorId: z.number().optional() });

/** A service of the catalog (what a Recurring Service contract bills). */
export const ServiceSchema = z.object({ id: z.number().int(), name: z.string(), isActive: z.boolean().optional() });
export type AutotaskService = z.infer<typeof ServiceSchema>;

export const ContractSchema = z.object({
  id: z.number().int(),
  companyID: z.number().int(),
  contractName: z.string().optional(),
  contractType: z.number().int().nullable().optional(),
  status: z.number().int().nullable().optional(),
  startDate: z.string().nullable().optional(),
  endDate: z.string().nullable().optional(),
});
export type AutotaskContract = z.infer<typeof ContractSchema>;

export const ContractServiceSchema = z.object({ id: z.number().int(), contractID: z.number().int(), serviceID: z.number().int() });
export type AutotaskContractService = z.infer<typeof ContractServiceSchema>;

/** Units of a contract service for one period (a new row from each adjustment's effective date). */
export const ContractServiceUnitSchema = z.object({
  id: z.number().int(),
  contractID: z.number().int(),
  contractServiceID: z.number().int().nullable().optional(),
  serviceID: z.number().int(),
  units: z.number().int(),
  startDate: z.string(),
  endDate: z.string(),
  approveAndPostDate: z.string().nullable().optional(),
});
export type AutotaskContractServiceUnit = z.infer<typeof ContractServiceUnitSchema>;

export const ContractNoteSchema = z.object({ id: z.number().int(), contractID: z.number().int(), title: z.string().nullable().optional() });
