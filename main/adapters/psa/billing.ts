/** What a PSA bills a company for the product that stands for Umbrella seats, as each PSA's billing reader finds it. */
import type { BillingMethod, PsaKind, PsaWrite } from '../../../preload/contract';
import type { PsaCompany } from './adapter';

/** One line that bills the product on the date: a ConnectWise agreement addition, an Autotask contract service. */
export interface BilledLine {
  id: number;
  /** The ConnectWise agreement or Autotask contract it is on. */
  agreementId: number;
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

/** The PSA line a seat change writes: the product on one agreement (ConnectWise) or contract (Autotask). */
export interface LineTarget {
  agreementId: number;
  productId: number;
  /** The addition or contract service planned; on ConnectWise another addition may be in force on the day. */
  lineId: number;
}

/** A line as read just before a write (or after it), on the effective day. */
export interface LineReading {
  /** The quantity in force on the day (null: no line of the product is in force there). */
  quantity: number | null;
  /** The addition or contract service in force on the day. */
  lineId: number | null;
  /** How a change would be written there. */
  method: BillingMethod;
  /** What the method writes, in words. */
  detail: string;
  /** Why nothing may be written there on the day (cancelled or expired, posted or invoiced, several lines), or null. */
  blocked: string | null;
  /** A change to `to` left half done by an earlier attempt that this writer can finish (ConnectWise: the line ended, the new one not added). */
  halfDone: boolean;
}

export interface SeatChange {
  target: LineTarget;
  from: number;
  to: number;
  /** YYYY-MM-DD */
  effective: string;
  method: BillingMethod;
  /** Says in the PSA what changed and why: the ConnectWise addition's description, the Autotask contract note. */
  note: { title: string; text: string };
  /** Recorded with each write in the audit trail. */
  audit: Pick<PsaWrite, 'runId' | 'orgId' | 'customer' | 'companyId' | 'company'>;
}

/**
 * Seat write-back. Never sends a price or a cost, never deletes, never creates an agreement or a contract. A write
 * is never retried here: after an error the caller reads the line again and decides from the PSA.
 */
export interface BillingWriter {
  readonly kind: PsaKind;
  read(target: LineTarget, day: string): Promise<LineReading>;
  /** Brings the line from `from` to `to` on the day (finishing a half-done change); each write is handed to `recorded` as soon as it is made. */
  write(change: SeatChange, recorded: (write: PsaWrite) => void): Promise<void>;
  /** Says in the PSA what changed and why, once (Autotask: a contract note); ConnectWise's write carries it in the description. */
  annotate?(change: SeatChange, recorded: (write: PsaWrite) => void): Promise<void>;
}
