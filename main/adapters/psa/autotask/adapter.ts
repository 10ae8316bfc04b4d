/** The sync side of Autotask: product `OpenDNS_Umbrella`, 16 configuration item UDFs, one configuration item per company. */
import { HttpError } from '../../http/client';
import { FIELDS, normaliseFieldName, type FieldKey, type FieldValues } from '../../../domain/fields';
import { setupWrite, type StateStore } from '../../store/state';
import { companyKey, configurationsByCompany, PsaSetupError, type ExistingConfiguration, type PrepareResult, type PsaApiUsage, type PsaCompany, type PsaSyncAdapter } from '../adapter';
import { AutotaskError, type AutotaskClient } from './client';
import { z } from 'zod';
import type { ConfigurationItem, UdfValue } from './schemas';

const IdOnly = z.object({ id: z.number().int() });

export const PRODUCT_NAME = 'OpenDNS_Umbrella';
/** Company ids per `in` filter when many configurations are read at once. */
const COMPANIES_PER_QUERY = 200;
const simplify = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

interface Schema {
  productId: number;
  udfNames: Record<FieldKey, string>;
}

export class AutotaskSyncAdapter implements PsaSyncAdapter {
  readonly kind = 'autotask' as const;
  private schema: Schema | null;
  private retired = new Set<number>();

  constructor(
    private readonly client: AutotaskClient,
    private readonly state: StateStore,
    private readonly materialBillingCodeId: number | null,
    private readonly today: () => Date = () => new Date(),
  ) {
    this.schema = state.get().autotaskSchema;
  }

  requestCount(): number {
    return this.client.stats.requests;
  }

  apiUsage(): PsaApiUsage {
    return this.client.budget.snapshot();
  }

  async prepare(dryRun: boolean, force = false): Promise<PrepareResult> {
    if (this.schema && !force && !dryRun) return { notes: [], ready: true };
    const notes: string[] = [];
    const products = (await this.client.findProducts(PRODUCT_NAME)).filter((p) => p.isActive !== false);
    let productId = products.sort((a, b) => a.id - b.id).find((p) => simplify(p.name) === simplify(PRODUCT_NAME))?.id ?? null;
    if (productId === null) {
      if (this.materialBillingCodeId === null) {
        throw new PsaSetupError(`The product "${PRODUCT_NAME}" does not exist yet and no material billing code is chosen: pick one in step 2 of the setup wizard (Autotask material billing code), or run "umbrella-psa-sync configure --billing-code ID" ("umbrella-psa-sync list billing-codes" shows them).`);
      }
      if (dryRun) {
        notes.push(`Would create the product "${PRODUCT_NAME}".`);
      } else {
        productId = await this.createProduct(this.materialBillingCodeId);
        this.state.record([setupWrite('autotask', 'product', productId, 'name', PRODUCT_NAME, `material billing code ${String(this.materialBillingCodeId)}`)]);
        notes.push(`Created the product "${PRODUCT_NAME}".`);
      }
    }
    const existing = await this.client.listConfigurationItemUdfNames();
    const udfNames: Partial<Record<FieldKey, string>> = {};
    const failed: string[] = [];
    for (const field of [...FIELDS].sort((a, b) => a.udfNumber - b.udfNumber)) {
      const match = existing.find((name) => name === field.udf) ?? existing.find((name) => normaliseFieldName(name) === normaliseFieldName(field.udf));
      if (match) {
        udfNames[field.key] = match;
        if (match !== field.udf) notes.push(`Adopted the existing user-defined field "${match}" for "${field.udf}".`);
        continue;
      }
      if (dryRun) {
        notes.push(`Would create the user-defined field "${field.udf}" (${field.multiLine ? 'multi line' : 'single line'} text).`);
        continue;
      }
      try {
        await this.client.createConfigurationItemUdf(field.udf, field.multiLine);
        udfNames[field.key] = field.udf;
        this.state.record([setupWrite('autotask', 'udf', null, 'name', field.udf, `configuration item user-defined field, ${field.multiLine ? 'multi line' : 'single line'} text`)]);
        notes.push(`Created the user-defined field "${field.udf}".`);
      } catch (error) {
        failed.push(`${field.udf} (${field.multiLine ? 'multi line' : 'single line'} text)`);
        notes.push(`Could not create "${field.udf}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failed.length > 0) {
      throw new PsaSetupError(`These configuration item user-defined fields are missing and could not be created through the API: ${failed.join(', ')}. Add them in Autotask under Admin > Features & Settings > Application-Wide (Shared) Features > User-Defined Fields > Configuration Items, then run the sync again.`);
    }
    if (dryRun || productId === null) return { notes, ready: productId !== null && Object.keys(udfNames).length === FIELDS.length };
    this.schema = { productId, udfNames: udfNames as Record<FieldKey, string> };
    const schema = this.schema;
    this.state.updateNow((s) => { s.autotaskSchema = schema; });
    return { notes, ready: true };
  }

  private async createProduct(billingCodeId: number): Promise<number> {
    const input = { name: PRODUCT_NAME, description: 'Cisco Umbrella DNS security (kept up to date by Umbrella PSA Sync)', productBillingCodeID: billingCodeId };
    try {
      return await this.client.createProduct(input);
    } catch (error) {
      if (!(error instanceof HttpError) || !error.outcomeUnknown) throw error;
      const found = (await this.client.findProducts(PRODUCT_NAME))[0];
      return found ? found.id : this.client.createProduct(input);
    }
  }

  private ready(): Schema {
    if (!this.schema) throw new Error('prepare() must run before configuration items are written');
    return this.schema;
  }

  /**
   * Companies, and (once per run, one query) which of our configuration items someone deactivated:
   * Autotask has no delete, so a deactivated item counts as removed and is replaced, not updated.
   */
  async companies(): Promise<Map<string, PsaCompany>> {
    const rows = await this.client.listCompanies();
    if (this.schema) {
      const retired = await this.client.query('ConfigurationItems', [{ op: 'eq', field: 'productID', value: this.schema.productId }, { op: 'eq', field: 'isActive', value: false }], IdOnly, ['id']);
      this.retired = new Set(retired.map((item) => item.id));
    }
    return new Map(rows.map((c) => [companyKey(String(c.id)), { id: c.id, name: c.companyName, active: c.isActive }]));
  }

  private udfs(values: FieldValues): UdfValue[] {
    const { udfNames } = this.ready();
    return FIELDS.map((field) => ({ name: udfNames[field.key], value: String(values[field.key]) }));
  }

  private valuesOf(item: ConfigurationItem): ExistingConfiguration {
    const { udfNames } = this.ready();
    const values: ExistingConfiguration['values'] = {};
    for (const field of FIELDS) {
      const udf = item.userDefinedFields.find((u) => u.name === udfNames[field.key]);
      if (udf?.value !== null && udf?.value !== undefined) values[field.key] = udf.value;
    }
    return { id: item.id, values };
  }

  async readConfiguration(company: PsaCompany, knownId: number | null): Promise<ExistingConfiguration | null> {
    if (!this.schema) return null;
    const { productId } = this.schema;
    if (knownId !== null) {
      const known = await this.client.getConfigurationItem(knownId);
      if (known && known.companyID === company.id && known.productID === productId && known.isActive !== false) return this.valuesOf(known);
    }
    return this.firstActive(await this.client.findConfigurationItems(company.id, productId));
  }

  readConfigurations(companies: readonly PsaCompany[]): Promise<Map<number, ExistingConfiguration | null>> {
    const schema = this.schema;
    const find = schema ? (ids: number[]) => this.client.findConfigurationItemsOf(ids, schema.productId) : () => Promise.resolve([]);
    return configurationsByCompany(companies, COMPANIES_PER_QUERY, find, (item) => item.companyID, (items) => this.firstActive(items));
  }

  /** The oldest active item: the one a company's configuration is (a deactivated one counts as removed). */
  private firstActive(items: ConfigurationItem[]): ExistingConfiguration | null {
    const first = items.filter((ci) => ci.isActive !== false).sort((a, b) => a.id - b.id)[0];
    return first ? this.valuesOf(first) : null;
  }

  async createConfiguration(company: PsaCompany, values: FieldValues): Promise<number> {
    const input = {
      companyID: company.id, productID: this.ready().productId, referenceTitle: PRODUCT_NAME,
      installDate: `${this.today().toISOString().slice(0, 10)}T00:00:00`, userDefinedFields: this.udfs(values),
    };
    try {
      return await this.client.createConfigurationItem(input);
    } catch (error) {
      if (!(error instanceof HttpError) || !error.outcomeUnknown) throw error;
      const found = await this.readConfiguration(company, null);
      return found ? found.id : this.client.createConfigurationItem(input);
    }
  }


  async updateConfiguration(id: number, company: PsaCompany, values: FieldValues): Promise<'updated' | 'missing'> {
    if (this.retired.has(id)) return 'missing';
    try {
      await this.client.updateConfigurationItemUdfs(id, this.udfs(values));
      return 'updated';
    } catch (error) {
      if (!(error instanceof AutotaskError)) throw error;
      // Autotask answers an update of a vanished item with a 500: check before deciding.
      const current = await this.client.getConfigurationItem(id);
      if (!current || current.companyID !== company.id || current.isActive === false) return 'missing';
      throw error;
    }
  }
}
