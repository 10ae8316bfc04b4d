/** Zod schemas for the ConnectWise responses the app reads (tolerant of extra fields). */
import { z } from 'zod';
import { oneLine } from '../../../domain/text';

const Ref = z.object({ id: z.number().int(), name: z.string().optional() });

export const CompanyInfoSchema = z.object({
  Codebase: z.string().min(1),
  CompanyName: z.string().optional(),
  VersionCode: z.string().optional(),
  IsCloud: z.union([z.boolean(), z.string()]).optional(),
}).nullable();

export const CompanySchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  name: z.string().transform(oneLine),
  status: z.object({ id: z.number().int().optional(), name: z.string() }).nullable().optional(),
  deletedFlag: z.boolean().optional(),
});
export type ConnectWiseCompany = z.infer<typeof CompanySchema>;

export const ConfigurationTypeSchema = z.object({ id: z.number().int(), name: z.string(), inactiveFlag: z.boolean().optional() });
export type ConfigurationType = z.infer<typeof ConfigurationTypeSchema>;

export const TypeQuestionSchema = z.object({
  id: z.number().int(),
  question: z.string(),
  fieldType: z.string(),
  entryType: z.string(),
  sequenceNumber: z.number(),
  numberOfDecimals: z.number().int().nullable().optional(),
  requiredFlag: z.boolean().optional(),
  inactiveFlag: z.boolean().optional(),
});
export type TypeQuestion = z.infer<typeof TypeQuestionSchema>;

export const ConfigurationStatusSchema = z.object({
  id: z.number().int(),
  description: z.string(),
  closedFlag: z.boolean().optional(),
  defaultFlag: z.boolean().optional(),
});
export type ConfigurationStatus = z.infer<typeof ConfigurationStatusSchema>;

export const ConfigurationAnswerSchema = z.object({
  answerId: z.number().int().optional(),
  questionId: z.number().int(),
  question: z.string().optional(),
  answer: z.unknown().optional(),
  sequenceNumber: z.number().optional(),
  numberOfDecimals: z.number().int().nullable().optional(),
  fieldType: z.string().optional(),
  requiredFlag: z.boolean().optional(),
});
export type ConfigurationAnswer = z.infer<typeof ConfigurationAnswerSchema>;

export const ConfigurationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  type: Ref,
  company: z.object({ id: z.number().int(), identifier: z.string().optional() }),
  status: Ref.nullable().optional(),
  questions: z.array(ConfigurationAnswerSchema).optional().default([]),
});
export type Configuration = z.infer<typeof ConfigurationSchema>;

export const BoardSchema = z.object({ id: z.number().int(), name: z.string(), inactiveFlag: z.boolean().optional(), projectFlag: z.boolean().optional() });
export const BoardStatusSchema = z.object({
  id: z.number().int(), name: z.string(), closedStatus: z.boolean().optional(), inactive: z.boolean().optional(), defaultFlag: z.boolean().optional(), sortOrder: z.number().optional(),
});
export const PrioritySchema = z.object({ id: z.number().int(), name: z.string(), sortOrder: z.number().optional(), defaultFlag: z.boolean().optional() });
export const BoardTypeSchema = z.object({ id: z.number().int(), name: z.string(), inactiveFlag: z.boolean().optional() });
export const BoardSubTypeSchema = BoardTypeSchema.extend({ typeAssociationIds: z.array(z.number().int()).optional() });
export const AssociationSchema = z.object({ type: Ref.nullable().optional(), subType: Ref.nullable().optional(), item: Ref.nullable().optional() });

export const TicketSchema = z.object({
  id: z.number().int(),
  summary: z.string(),
  board: Ref.nullable().optional(),
  status: Ref.nullable().optional(),
  company: z.object({ id: z.number().int(), identifier: z.string().optional() }).nullable().optional(),
  closedFlag: z.boolean().optional().default(false),
  externalXRef: z.string().nullable().optional(),
});
export type ConnectWiseTicket = z.infer<typeof TicketSchema>;

export const NoteSchema = z.object({ id: z.number().int(), ticketId: z.number().int().optional(), text: z.string().optional() });

export const ErrorBodySchema = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional(), field: z.string().optional() })).nullable().optional(),
});

/** A procurement catalog item (the product an agreement addition bills). */
export const CatalogItemSchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  description: z.string().nullable().optional(),
  inactiveFlag: z.boolean().optional(),
  recurringFlag: z.boolean().optional(),
  price: z.number().nullable().optional(),
});
export type CatalogItem = z.infer<typeof CatalogItemSchema>;

export const AgreementSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  company: Ref.extend({ identifier: z.string().optional() }),
  startDate: z.string().nullable().optional(),
  endDate: z.string().nullable().optional(),
  noEndingDateFlag: z.boolean().optional(),
  cancelledFlag: z.boolean().optional(),
  dateCancelled: z.string().nullable().optional(),
  parentAgreement: Ref.nullable().optional(),
  agreementStatus: z.string().nullable().optional(),
  prorateFlag: z.boolean().nullable().optional(),
  nextInvoiceDate: z.string().nullable().optional(),
  billingCycle: Ref.nullable().optional(),
});
export type Agreement = z.infer<typeof AgreementSchema>;

/** An agreement addition: one product line with its own quantity, effective and cancelled dates. */
export const AdditionSchema = z.object({
  id: z.number().int(),
  product: z.object({ id: z.number().int(), identifier: z.string().optional() }),
  quantity: z.number().nullable().optional(),
  lessIncluded: z.number().nullable().optional(),
  effectiveDate: z.string().nullable().optional(),
  cancelledDate: z.string().nullable().optional(),
  agreementStatus: z.string().nullable().optional(),
  agreementId: z.number().int().optional(),
  billCustomer: z.string().nullable().optional(),
  unitPrice: z.number().nullable().optional(),
  taxableFlag: z.boolean().nullable().optional(),
  description: z.string().nullable().optional(),
  invoiceDescription: z.string().nullable().optional(),
});
export type Addition = z.infer<typeof AdditionSchema>;
