/**
 * `configure`: non-interactive set-up. Secrets come from environment variables or stdin
 * (KEY=VALUE lines), never from the command line, where other users and shell history see them.
 */
import { CREDENTIAL_FIELDS, PSA_NAMES, PsaKindSchema, SetCredentialsSchema, SettingsPatchSchema, type CredentialKind, type SettingsPatch } from '../../preload/contract';
import type { SecretStore } from '../adapters/store/secrets';
import type { SettingsStore } from '../adapters/store/settings';
import { removePsaIntegration } from '../app/integration';
import { materialBillingCodes } from '../app/setup-lists';
import { billingProductPatch, findBillingProduct } from '../jobs/billing/report';
import type { SyncSetup } from '../jobs/setup';
import { isNone, nearestName, pickOption } from './choices';
import { UsageError } from './exit-codes';
import { checkedFallback } from './ticketing';

export { UsageError };

/** Environment variable (and stdin key) for each credential. */
export const SECRET_VARIABLES: Record<CredentialKind, Record<string, string>> = {
  umbrella: { apiKey: 'UMBRELLA_API_KEY', apiSecret: 'UMBRELLA_API_SECRET' },
  connectwise: { companyId: 'CONNECTWISE_COMPANY_ID', publicKey: 'CONNECTWISE_PUBLIC_KEY', privateKey: 'CONNECTWISE_PRIVATE_KEY', clientId: 'CONNECTWISE_CLIENT_ID' },
  autotask: { username: 'AUTOTASK_USERNAME', secret: 'AUTOTASK_SECRET', integrationCode: 'AUTOTASK_INTEGRATION_CODE' },
};

const SECRET_NAMES = Object.values(SECRET_VARIABLES).flatMap((fields) => Object.values(fields));

/** KEY=VALUE lines (blank lines and # comments ignored); a key that names no credential is refused, so nothing misspelt is dropped in silence. */
export function parseSecretLines(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UsageError(`stdin line ${String(index + 1)} is not KEY=VALUE`);
    const key = line.slice(0, eq).trim();
    if (!SECRET_NAMES.includes(key)) {
      const near = nearestName(key.toUpperCase(), SECRET_NAMES);
      throw new UsageError(`stdin line ${String(index + 1)}: ${key} is not a credential name${near ? `; did you mean ${near}?` : ''} Nothing was saved. The names are: ${SECRET_NAMES.join(', ')}.`);
    }
    values[key] = line.slice(eq + 1).trim();
  }
  return values;
}

export interface ConfigureOptions {
  psa?: string | undefined;
  site?: string | undefined;
  umbrellaUrl?: string | undefined;
  autotaskUrl?: string | undefined;
  threshold?: string | undefined;
  /** Percent of Autotask's shared hourly threshold this app may bring the tenant to. */
  autotaskApiShare?: string | undefined;
  /** Days the run history and the audit trail are kept. */
  historyDays?: string | undefined;
  /** on | off: the billing check after each daily sync. */
  billingCheck?: string | undefined;
  /** A number of seats (increases up to it applied without asking, from the first of next month), or off. */
  billingAutoApply?: string | undefined;
  /** Confirms that --psa to the other PSA removes the current integration (as the wizard's confirmation does). */
  switchPsa?: boolean | undefined;
}

function billingSchedulePatch(check: string | undefined, autoApply: string | undefined): NonNullable<SettingsPatch['billing']> {
  const patch: NonNullable<SettingsPatch['billing']> = {};
  if (check !== undefined) {
    const value = check.trim().toLowerCase();
    if (value !== 'on' && value !== 'off') throw new UsageError(`--billing-check takes on or off, not "${check}".`);
    patch.checkAfterSync = value === 'on';
  }
  if (autoApply !== undefined) {
    const value = autoApply.trim().toLowerCase();
    if (value === 'off') {
      patch.autoApply = { enabled: false };
    } else {
      if (!/^\d{1,6}$/.test(value)) throw new UsageError(`--billing-auto-apply takes a number of seats (increases up to it are applied without asking) or off, not "${autoApply}".`);
      // Applying without asking only makes sense after the check that finds the drift.
      patch.autoApply = { enabled: true, maxSeats: Number(value) };
      patch.checkAfterSync = true;
    }
  }
  return patch;
}

/** Applies settings and credentials; returns the lines to print (never a secret). */
export async function configure(options: ConfigureOptions, provided: Record<string, string | undefined>, settings: SettingsStore, secrets: SecretStore): Promise<string[]> {
  const said: string[] = [];
  const patch: SettingsPatch = {};
  if (options.psa !== undefined) {
    const kind = PsaKindSchema.safeParse(options.psa);
    if (!kind.success) throw new UsageError('--psa must be connectwise or autotask');
    const current = settings.get();
    const from = current.psa.kind;
    if (from !== null && from !== kind.data) {
      const mapped = Object.values(current.mappings).filter((m) => m.psaCompany !== null).length;
      const what = `Kept: the mapping of ${String(mapped)} customer(s) to PSA companies, the Cisco Umbrella API key and secret, and the run history. Removed: the ${PSA_NAMES[from]} settings and credentials (from the keychain), and the ticketing settings.`;
      if (!options.switchPsa) throw new UsageError(`This settings folder is set up for ${PSA_NAMES[from]}. Switching to ${PSA_NAMES[kind.data]} removes that integration. ${what} Run again with --switch-psa to switch.`);
      await removePsaIntegration(settings, secrets);
      said.push(`Switched from ${PSA_NAMES[from]} to ${PSA_NAMES[kind.data]}. ${what}`);
    }
    patch.psa = { kind: kind.data };
  }
  if (options.site !== undefined) patch.connectwise = { site: options.site };
  if (options.autotaskApiShare !== undefined) {
    patch.autotask = { apiSharePercent: Number(options.autotaskApiShare.replace(/%$/, '')) };
  }
  if (options.umbrellaUrl !== undefined || options.autotaskUrl !== undefined) {
    patch.endpoints = { ...(options.umbrellaUrl !== undefined ? { umbrellaBaseUrl: options.umbrellaUrl || null } : {}), ...(options.autotaskUrl !== undefined ? { autotaskDiscoveryUrl: options.autotaskUrl || null } : {}) };
  }
  if (options.threshold !== undefined) patch.ticketing = { threshold: Number(options.threshold) };
  if (options.historyDays !== undefined) patch.history = { retentionDays: Number(options.historyDays) };
  if (options.billingCheck !== undefined || options.billingAutoApply !== undefined) patch.billing = billingSchedulePatch(options.billingCheck, options.billingAutoApply);
  if (Object.keys(patch).length > 0) {
    const parsed = SettingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    settings.update(patch);
    said.push(`Saved settings: ${Object.keys(patch).join(', ')}.`);
  }
  for (const kind of Object.keys(CREDENTIAL_FIELDS) as CredentialKind[]) {
    const values: Record<string, string> = {};
    for (const [field, variable] of Object.entries(SECRET_VARIABLES[kind])) {
      const value = provided[variable];
      if (value !== undefined && value !== '') values[field] = value;
    }
    if (Object.keys(values).length === 0) continue;
    const parsed = SetCredentialsSchema.safeParse({ kind, values });
    if (!parsed.success) throw new UsageError(`${kind} credentials: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    // The checked values: trimmed as the check saw them, not as they were typed.
    await secrets.set(kind, parsed.data.values);
    said.push(`Saved ${kind} credentials in the OS keychain: ${Object.keys(values).join(', ')}.`);
  }
  return said;
}

/** A customer billed with another product than the one every customer uses (checked with the PSA), or back to that one ("default"). */
async function saveProductOverride(setup: SyncSetup, settings: SettingsStore, customer: string, reference: string): Promise<string> {
  const org = customer.trim();
  if (!/^\d{1,12}$/.test(org)) throw new UsageError(`--customer takes the customer's Umbrella organization id (a number, see "umbrella-psa-sync list companies" or "billing"), not "${customer}".`);
  const kind = settings.get().psa.kind;
  if (kind === null) throw new UsageError('Choose the PSA first: umbrella-psa-sync configure --psa connectwise|autotask.');
  const others = settings.get().billing.productOverrides[kind].filter((o) => o.orgId !== Number(org));
  if (reference.trim().toLowerCase() === 'default') {
    settings.update({ billing: { productOverrides: { [kind]: others } } });
    return `Customer ${org} is billed with the product every customer uses.`;
  }
  const { product } = await findBillingProduct(setup, reference);
  settings.update({ billing: { productOverrides: { [kind]: [...others, { orgId: Number(org), productId: product.id }] } } });
  return `Saved the product that bills customer ${org}'s Umbrella seats: ${product.name} (${String(product.id)}).`;
}

/**
 * The settings `configure` checks with the PSA before saving, as the wizard and "configure ticketing" do:
 * the Autotask material billing code (id or exact name, among the tenant's active ones) and the fallback
 * company (id, identifier or exact name; active; "none" turns it off).
 */
export async function configureChecked(setup: SyncSetup, settings: SettingsStore, options: { billingCode?: string | undefined; fallbackCompany?: string | undefined; billingProduct?: string | undefined; customer?: string | undefined }): Promise<string[]> {
  const said: string[] = [];
  if (options.billingCode !== undefined) {
    const code = pickOption(await materialBillingCodes(setup), options.billingCode, 'active material billing code');
    settings.update({ autotask: { materialBillingCodeId: code.id } });
    said.push(`Saved the material billing code: ${code.name} (${String(code.id)}).`);
  }
  if (options.fallbackCompany !== undefined) {
    const fallbackCompany = isNone(options.fallbackCompany) ? null : await checkedFallback(setup, options.fallbackCompany);
    settings.update({ ticketing: { fallbackCompany } });
    said.push(fallbackCompany === null ? 'The fallback company is off.' : `Saved the fallback company: ${fallbackCompany}.`);
  }
  if (options.customer !== undefined) {
    if (options.billingProduct === undefined) throw new UsageError('configure --customer goes with --billing-product: the product that bills this customer\'s Umbrella seats (or "default").');
    said.push(await saveProductOverride(setup, settings, options.customer, options.billingProduct));
  } else if (options.billingProduct !== undefined) {
    if (options.billingProduct.trim() === '') throw new UsageError('--billing-product needs the ConnectWise catalog item (identifier or id) or the Autotask service (id or name) that bills Umbrella seats.');
    const { kind, product } = await findBillingProduct(setup, options.billingProduct);
    settings.update(billingProductPatch(kind, product.id));
    said.push(`Saved the product that bills Umbrella seats: ${product.name} (${String(product.id)}).`);
  }
  return said;
}
