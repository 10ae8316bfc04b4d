/** What a PSA bills a company for the product that stands for Umbrella seats, as each PSA's billing reader finds it. */
import type { PsaKind } from '../../../preload/contract';
import type { PsaCompany } from './adapter';

/** One line that bills the product on the date: a ConnectWise agreement addition, an Autotask contract service. */
export interface BilledLine {
  id: number;
  quantity: number;
  /** Where it is, in the PSA's words: "agreement 700 (Managed Services)", "contract 29685000 (Managed Services)". */
  where: string;
}

export type BilledLines =
  /** The company has no agreement (ConnectWise) or Recurring Service contract (Autotask) at all. */
  | { kind: 'no-agreement' }
  /** It has some, but none in force on the date (cancelled, ended, inactive). */
  | { kind: 'ended'; detail: string }
  /** The lines for the product in the agreements or contracts in force (none: the product is not billed there). */
  | { kind: 'lines'; lines: BilledLine[] };

export interface BillingProduct {
  id: number;
  name: string;
  active: boolean;
}

export interface BillingReader {
  readonly kind: PsaKind;
  /** The product by the reference an administrator gives: a ConnectWise catalog identifier or id, an Autotask service id or name. */
  findProduct(reference: string): Promise<BillingProduct | null>;
  /** Per company id, what bills the product on `day` (YYYY-MM-DD). Read only. */
  billed(companies: readonly PsaCompany[], productId: number, day: string): Promise<Map<number, BilledLines>>;
}

/** The calendar day of a PSA date ("2026-11-01T00:00:00Z", "2026-11-01T00:00:00"): compared as text, in no time zone. */
export const dayOf = (value: string | null | undefined): string | null => (value ? value.slice(0, 10) : null);
