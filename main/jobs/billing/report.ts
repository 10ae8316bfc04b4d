/** The drift report and the choice of the product it reads, on the saved settings and credentials. */
import type { BillingProduct, BillingReader } from '../../adapters/psa/billing';
import type { UmbrellaClient, UmbrellaCustomer } from '../../adapters/umbrella/client';
import { CustomerCache } from '../../adapters/umbrella/customer-cache';
import { describeError, NotConfiguredError } from '../../domain/errors';
import { PSA_NAMES, type PsaKind, type Settings, type SettingsPatch } from '../../../preload/contract';
import { createBillingClients, type BillingClients, type SyncSetup } from '../setup';
import type { PsaCompany } from '../../adapters/psa/adapter';
import { driftReport, type DriftInput, type DriftReport } from './drift';

/** What stands for Umbrella seats in each PSA, and how an administrator names it. */
const PRODUCT: Record<PsaKind, string> = { connectwise: 'procurement catalog item', autotask: 'service' };
const WHAT: Record<PsaKind, string> = { connectwise: `${PRODUCT.connectwise} (identifier or id)`, autotask: `${PRODUCT.autotask} (id or exact name)` };

export function billingProductId(settings: Settings, kind: PsaKind): number | null {
  return kind === 'connectwise' ? settings.billing.connectwiseProductId : settings.billing.autotaskServiceId;
}

/** The settings change that makes `id` the product billing Umbrella seats in this PSA. */
export function billingProductPatch(kind: PsaKind, id: number): SettingsPatch {
  return { billing: kind === 'connectwise' ? { connectwiseProductId: id } : { autotaskServiceId: id } };
}

/** Finds the product an administrator names; says what is wrong with it otherwise. */
export async function findBillingProduct(setup: SyncSetup, reference: string): Promise<{ kind: PsaKind; product: BillingProduct }> {
  const { reader } = await createBillingClients(setup);
  const product = await reader.findProduct(reference);
  if (!product) throw new NotConfiguredError(`${PSA_NAMES[reader.kind]} has no ${WHAT[reader.kind]} "${reference}": name the one your agreements bill Umbrella seats with.`);
  if (!product.active) throw new NotConfiguredError(`${PSA_NAMES[reader.kind]}'s ${product.name} is inactive: choose the active product that bills Umbrella seats.`);
  return { kind: reader.kind, product };
}

/** The product chosen for Umbrella seats, as the PSA has it now; says what to do when none is chosen or it is gone. */
export async function chosenProduct(reader: BillingReader, productId: number | null): Promise<BillingProduct> {
  if (productId === null) {
    throw new NotConfiguredError(`No ${PSA_NAMES[reader.kind]} ${PRODUCT[reader.kind]} is chosen for Umbrella seats: run "umbrella-psa-sync configure --billing-product REF" with the ${WHAT[reader.kind]} your agreements bill them with.`);
  }
  const product = await reader.findProduct(String(productId));
  if (!product) throw new NotConfiguredError(`The ${PRODUCT[reader.kind]} chosen for Umbrella seats (id ${String(productId)}) is no longer in ${PSA_NAMES[reader.kind]}: choose it again with "umbrella-psa-sync configure --billing-product REF".`);
  return product;
}

/**
 * Umbrella's customers with their seats: read now, or (`recent`, right after a sync read them) the list the sync
 * saved, which costs no admin call.
 */
export async function seatsOf(setup: SyncSetup, umbrella: UmbrellaClient, source: 'fresh' | 'recent'): Promise<UmbrellaCustomer[]> {
  if (source === 'fresh') return umbrella.listCustomers();
  return (await new CustomerCache(umbrella, setup.state, setup.now).recent([])).customers;
}

/** The customers billed with another product than the chosen one, and those products as the PSA has them now. */
async function overridesOf(reader: BillingReader, settings: Settings): Promise<NonNullable<DriftInput['overrides']>> {
  const byOrg = Object.fromEntries(settings.billing.productOverrides[reader.kind].map((o) => [String(o.orgId), o.productId]));
  const products = new Map<number, BillingProduct>();
  for (const id of new Set(Object.values(byOrg))) {
    const product = await reader.findProduct(String(id));
    if (!product) {
      const orgs = Object.entries(byOrg).filter(([, value]) => value === id).map(([org]) => org);
      throw new NotConfiguredError(`The ${PRODUCT[reader.kind]} ${String(id)} chosen for customer ${orgs.join(', ')} is no longer in ${PSA_NAMES[reader.kind]}: choose another with "umbrella-psa-sync configure --billing-product REF --customer ${orgs[0] ?? 'ORG_ID'}", or "--billing-product default" for the one every customer uses.`);
    }
    products.set(id, product);
  }
  return { byOrg, products };
}

/** The drift on `day` with the clients given (the write-back reuses them), and the PSA companies it read. */
export async function readDrift(setup: SyncSetup, clients: BillingClients, day: string, source: 'fresh' | 'recent'): Promise<{ report: DriftReport; companies: Map<string, PsaCompany> }> {
  const { settings, umbrella, reader } = clients;
  const product = await chosenProduct(reader, billingProductId(settings, reader.kind));
  const overrides = await overridesOf(reader, settings);
  const [customers, companies, console] = await Promise.all([seatsOf(setup, umbrella, source), clients.companies(), consoleSeats(umbrella)]);
  return { report: await driftReport({ customers, mappings: settings.mappings, companies, reader, product, overrides, day, console }), companies };
}

/** The seat drift of every customer on `day` (YYYY-MM-DD), read only. */
export async function billingReport(setup: SyncSetup, day: string, source: 'fresh' | 'recent' = 'fresh'): Promise<DriftReport> {
  return (await readDrift(setup, await createBillingClients(setup), day, source)).report;
}

/** The provider console's own seats; their absence never stops the report, it is said instead. */
async function consoleSeats(umbrella: UmbrellaClient): Promise<NonNullable<DriftInput['console']>> {
  try {
    const found = await umbrella.providerConsole();
    if (!found) return { seats: null, note: 'This Umbrella console does not answer the providers console report, so what Cisco bills you is not shown.' };
    const { seatsTotal, seatsUsed, customerCount, packageName } = found;
    return { seats: { seatsTotal, seatsUsed, customerCount, packageName }, note: null };
  } catch (error) {
    return { seats: null, note: `What Cisco bills you could not be read (${describeError(error)}).` };
  }
}
