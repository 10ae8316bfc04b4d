/** The sync side of ConnectWise: configuration type `OpenDNS_Umbrella`, its 16 questions, one configuration per company. */
import { HttpError } from '../../http/client';
import { FIELDS, normaliseFieldName, type FieldKey, type FieldValues } from '../../../domain/fields';
import { setupWrite, type StateStore } from '../../store/state';
import { companyKey, configurationsByCompany, NO_API_USAGE, PsaSetupError, type ExistingConfiguration, type PrepareResult, type PsaApiUsage, type PsaCompany, type PsaSyncAdapter } from '../adapter';
import { ConnectWiseError, type ConnectWiseClient } from './client';
import type { Configuration, ConfigurationAnswer } from './schemas';

export const CONFIGURATION_TYPE_NAME = 'OpenDNS_Umbrella';
/** Company ids per `in (...)` condition when many configurations are read at once (the conditions go in the URL). */
const COMPANIES_PER_QUERY = 100;
const simplify = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

interface Schema {
  typeId: number;
  statusId: number;
  questionIds: Record<FieldKey, number>;
}

export class ConnectWiseSyncAdapter implements PsaSyncAdapter {
  readonly kind = 'connectwise' as const;
  private schema: Schema | null;

  constructor(private readonly client: ConnectWiseClient, private readonly state: StateStore) {
    this.schema = state.get().connectwiseSchema;
  }

  requestCount(): number {
    return this.client.stats.requests;
  }

  apiUsage(): PsaApiUsage {
    return NO_API_USAGE;
  }

  /** Uses the ids stored by an earlier run (no request); otherwise finds or creates type, questions and status. */
  async prepare(dryRun: boolean, force = false): Promise<PrepareResult> {
    if (this.schema && !force && !dryRun) return { notes: [], ready: true };
    const notes: string[] = [];
    const statuses = await this.client.listConfigurationStatuses();
    const status = statuses.find((s) => s.defaultFlag === true);
    if (!status) {
      throw new PsaSetupError('No configuration status is marked as default in ConnectWise. Open System > Setup Tables > Configuration Status, open "Active" (or create it), tick "Default", and save.');
    }
    const types = await this.client.listConfigurationTypes();
    let type = types.find((t) => t.name === CONFIGURATION_TYPE_NAME) ?? types.find((t) => simplify(t.name) === simplify(CONFIGURATION_TYPE_NAME));
    if (type && type.name !== CONFIGURATION_TYPE_NAME) notes.push(`Adopted the existing configuration type "${type.name}".`);
    if (!type) {
      if (dryRun) return { notes: [`Would create the configuration type "${CONFIGURATION_TYPE_NAME}" with ${String(FIELDS.length)} questions.`], ready: false };
      type = await this.client.createConfigurationType(CONFIGURATION_TYPE_NAME);
      this.state.record([setupWrite('connectwise', 'configuration type', type.id, 'name', CONFIGURATION_TYPE_NAME)]);
      notes.push(`Created the configuration type "${CONFIGURATION_TYPE_NAME}".`);
    }
    const existing = (await this.client.listQuestions(type.id)).filter((q) => q.inactiveFlag !== true);
    const questionIds: Partial<Record<FieldKey, number>> = {};
    const missing: string[] = [];
    for (const [index, field] of FIELDS.entries()) {
      const match = existing.find((q) => q.question === field.question) ?? existing.find((q) => normaliseFieldName(q.question) === normaliseFieldName(field.question));
      if (match) {
        questionIds[field.key] = match.id;
        if (match.question !== field.question) notes.push(`Adopted the existing question "${match.question}" for "${field.question}".`);
        continue;
      }
      if (dryRun) {
        missing.push(field.question);
        continue;
      }
      const created = await this.client.createQuestion(type.id, {
        question: field.question, fieldType: field.cwFieldType, entryType: 'EntryField', sequenceNumber: index + 1, numberOfDecimals: 0,
      });
      questionIds[field.key] = created.id;
      this.state.record([setupWrite('connectwise', 'question', created.id, 'question', field.question, `on the configuration type "${type.name}"`)]);
      notes.push(`Created the question "${field.question}".`);
    }
    if (missing.length > 0) return { notes: [...notes, `Would create the questions: ${missing.join(', ')}.`], ready: false };
    this.schema = { typeId: type.id, statusId: status.id, questionIds: questionIds as Record<FieldKey, number> };
    const schema = this.schema;
    if (!dryRun) this.state.updateNow((s) => { s.connectwiseSchema = schema; });
    return { notes, ready: true };
  }

  private ready(): Schema {
    if (!this.schema) throw new Error('prepare() must run before configurations are written');
    return this.schema;
  }

  async companies(): Promise<Map<string, PsaCompany>> {
    const rows = await this.client.listCompanies();
    return new Map(rows.map((c) => [companyKey(c.identifier), { id: c.id, name: c.name, active: c.deletedFlag !== true && !/inactive/i.test(c.status?.name ?? '') }]));
  }

  private answers(values: FieldValues): ConfigurationAnswer[] {
    const { questionIds } = this.ready();
    return FIELDS.map((field) => ({ questionId: questionIds[field.key], answer: values[field.key] }));
  }

  private valuesOf(configuration: Configuration): ExistingConfiguration {
    const { questionIds } = this.ready();
    const byQuestion = new Map(configuration.questions.map((q) => [q.questionId, q.answer]));
    const values: ExistingConfiguration['values'] = {};
    for (const field of FIELDS) {
      const answer = byQuestion.get(questionIds[field.key]);
      if (typeof answer === 'string' || typeof answer === 'number') values[field.key] = answer;
    }
    return { id: configuration.id, values };
  }

  async readConfiguration(company: PsaCompany, knownId: number | null): Promise<ExistingConfiguration | null> {
    if (!this.schema) return null;
    const { typeId } = this.schema;
    if (knownId !== null) {
      const known = await this.client.getConfiguration(knownId);
      if (known && known.company.id === company.id && known.type.id === typeId) return this.valuesOf(known);
    }
    return this.oldest(await this.client.findConfigurations(typeId, company.id));
  }

  readConfigurations(companies: readonly PsaCompany[]): Promise<Map<number, ExistingConfiguration | null>> {
    const schema = this.schema;
    const find = schema ? (ids: number[]) => this.client.findConfigurationsOf(schema.typeId, ids) : () => Promise.resolve([]);
    return configurationsByCompany(companies, COMPANIES_PER_QUERY, find, (configuration) => configuration.company.id, (configurations) => this.oldest(configurations));
  }

  /** The first one made: the one a company's configuration is, should there be several. */
  private oldest(configurations: Configuration[]): ExistingConfiguration | null {
    const first = [...configurations].sort((a, b) => a.id - b.id)[0];
    return first ? this.valuesOf(first) : null;
  }

  async createConfiguration(company: PsaCompany, values: FieldValues): Promise<number> {
    const { typeId, statusId } = this.ready();
    const input = { name: CONFIGURATION_TYPE_NAME, typeId, companyId: company.id, statusId, questions: this.answers(values) };
    try {
      return (await this.client.createConfiguration(input)).id;
    } catch (error) {
      if (!(error instanceof HttpError) || !error.outcomeUnknown) throw error;
      // The create may have happened: look before creating again.
      const found = await this.readConfiguration(company, null);
      if (found) return found.id;
      return (await this.client.createConfiguration(input)).id;
    }
  }

  async updateConfiguration(id: number, company: PsaCompany, values: FieldValues): Promise<'updated' | 'missing'> {
    try {
      await this.client.replaceConfigurationQuestions(id, this.answers(values));
      return 'updated';
    } catch (error) {
      if (error instanceof ConnectWiseError && error.status === 404) return 'missing';
      if (error instanceof ConnectWiseError && error.status === 400 && /question/i.test(error.message)) {
        // Someone changed the type's questions since the ids were stored: find them again, once.
        await this.prepare(false, true);
        await this.client.replaceConfigurationQuestions(id, this.answers(values));
        return 'updated';
      }
      throw error;
    }
  }
}
