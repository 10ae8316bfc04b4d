/**
 * Checks recorded simulator exchanges against the vendors' OpenAPI / Swagger documents in
 * ../shared/vendor-specs: the operation exists (path + method), required path/query/header
 * parameters are present, the request body matches its schema, and the response body matches the
 * schema documented for its status. Known defects of the documents are patched here, each with
 * the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Exchange } from '../../simulators/kit';

/** The vendor documents live in the team's shared folder, beside the checkout (as in CI). */
export const SPEC_DIR = process.env.UMBRELLA_PSA_VENDOR_SPECS ?? path.resolve(import.meta.dirname, '../../../shared/vendor-specs');

type Json = Record<string, unknown>;

interface SpecDoc {
  id: string;
  doc: Json;
  swagger2: boolean;
  /** Matches the part of a request path that precedes the document's own paths. */
  prefix: RegExp;
  caseInsensitive: boolean;
}

interface Operation {
  spec: SpecDoc;
  template: string;
  method: string;
  op: Json;
  pathItem: Json;
}

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true, discriminator: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function load(file: string): Json {
  if (!fs.existsSync(SPEC_DIR)) {
    throw new Error(`The vendor OpenAPI documents were not found at ${SPEC_DIR}: the contract tests expect the shared folder beside the checkout (../shared/vendor-specs), or UMBRELLA_PSA_VENDOR_SPECS pointing at it.`);
  }
  const text = fs.readFileSync(path.join(SPEC_DIR, file), 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : loadYaml(text)) as Json;
}

function pointer(doc: Json, ref: string): unknown {
  return ref.replace(/^#\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
}

/** Follows local $refs of non-schema objects (parameters, responses, request bodies). */
function deref<T>(doc: Json, node: T): T {
  let current: unknown = node;
  for (let i = 0; i < 10 && current && typeof current === 'object' && '$ref' in current; i++) {
    current = pointer(doc, String((current as Json).$ref));
  }
  return current as T;
}

const specs: SpecDoc[] = [];

/** Loads each document once and registers it with Ajv so schemas compile by reference. */
export function loadSpecs(): SpecDoc[] {
  if (specs.length > 0) return specs;
  const umbrella = ['umbrella-token-authorization', 'umbrella-managed-providers', 'umbrella-providers', 'umbrella-networks', 'umbrella-roaming-computers', 'umbrella-reporting'];
  for (const name of umbrella) {
    const doc = load(`${name}.yaml`);
    const server = ((doc.servers as Json[] | undefined)?.[0]?.variables as Json | undefined)?.basePath as { default?: string } | undefined;
    const base = `/${server?.default ?? ''}`;
    specs.push({ id: name, doc, swagger2: false, prefix: new RegExp(`^${base.replace(/\//g, '\\/')}`), caseInsensitive: false });
  }
  for (const name of ['connectwise-write-subset', 'connectwise-get-subset']) {
    specs.push({ id: name, doc: load(`${name}.json`), swagger2: false, prefix: /^\/[^/]+\/apis\/3\.0/, caseInsensitive: false });
  }
  specs.push({ id: 'autotask-swagger', doc: patchAutotask(load('autotask-swagger.json')), swagger2: true, prefix: /^\/ATServicesRest/i, caseInsensitive: true });
  for (const spec of specs) {
    fixNullable(spec.doc);
    ajv.addSchema(spec.doc, spec.id);
  }
  return specs;
}

/**
 * OpenAPI 3.0 `nullable` quirks in the vendor documents (vendor-specs/README, "Known defects"):
 * enums marked nullable do not list null, and some untyped schemas (ConfigurationQuestion.answer)
 * carry `nullable`, which JSON Schema validators reject. Add null to such enums; drop `nullable`
 * where there is no type (an untyped schema already allows null).
 */
function fixNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) fixNullable(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema.nullable === true) {
    if (schema.type === undefined) delete schema.nullable;
    else if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...(schema.enum as unknown[]), null];
  }
  for (const value of Object.values(schema)) fixNullable(value);
}

/**
 * Known defects of Autotask's Swagger 2.0 document (vendor-specs/README; reference/autotask-api.md):
 * - `Filter.value` and `#/definitions/Object` (used for itemId, isSupportedWebhookField, ...) are
 *   typed as an empty object, but carry numbers, strings, booleans or arrays on the wire: any value.
 * - Swagger 2.0 cannot say "nullable", yet the API returns empty fields as null (§2, live tests) and
 *   a missing id as `{"item": null}` (§7.7): every property may be null.
 * - date-times are sent and returned without a zone suffix (§2): accept ISO with an optional zone.
 */
function patchAutotask(doc: Json): Json {
  const definitions = doc.definitions as Record<string, Json>;
  const filterProperties = definitions.Filter?.properties as Json | undefined;
  if (filterProperties?.value) filterProperties.value = {};
  definitions.Object = {};
  const isoDateTime = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?$';
  for (const definition of Object.values(definitions)) {
    const properties = definition.properties as Record<string, Json> | undefined;
    if (!properties) continue;
    for (const [name, property] of Object.entries(properties)) {
      if (property.format === 'date-time') {
        delete property.format;
        property.pattern = isoDateTime;
      }
      properties[name] = typeof property.type === 'string' ? { ...property, type: [property.type, 'null'] } : { anyOf: [property, { type: 'null' }] };
    }
  }
  return doc;
}

function findOperation(method: string, requestPath: string, vendor: string): Operation | null {
  const candidates: Operation[] = [];
  for (const spec of loadSpecs()) {
    if (!spec.id.startsWith(vendor === 'umbrella' ? 'umbrella' : vendor)) continue;
    const prefix = spec.prefix.exec(requestPath);
    if (!prefix) continue;
    const rest = requestPath.slice(prefix[0].length) || '/';
    for (const [template, pathItem] of Object.entries(spec.doc.paths as Json)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, '[^/]+');
      if (!new RegExp(`^${source}$`, spec.caseInsensitive ? 'i' : '').test(rest)) continue;
      const op = (pathItem as Json)[method.toLowerCase()] as Json | undefined;
      if (op) candidates.push({ spec, template, method, op, pathItem: pathItem as Json });
    }
  }
  // Prefer literal templates over parameterised ones (/types/copy over /types/{id}).
  candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return candidates[0] ?? null;
}

function validator(spec: SpecDoc, schema: unknown): ValidateFunction {
  const key = `${spec.id}:${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    // Local refs inside the schema resolve against the document it came from.
    const rewritten = JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${spec.id}#/`)) as Json;
    validate = ajv.compile(rewritten);
    compiled.set(key, validate);
  }
  return validate;
}

function jsonContent(content: Json | undefined): Json | undefined {
  if (!content) return undefined;
  const key = Object.keys(content).find((k) => k.includes('json')) ?? Object.keys(content).find((k) => k.includes('form'));
  return key ? (content[key] as Json) : undefined;
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

/**
 * Calls the clients make that no document in shared/vendor-specs covers. Each is documented
 * elsewhere; they are listed (not silently skipped) so a new undocumented call fails the check.
 */
export const UNDOCUMENTED: readonly { vendor: string; method: string; path: RegExp; why: string }[] = [
  { vendor: 'connectwise', method: 'GET', path: /^\/login\/companyinfo\/[^/]+$/, why: 'codebase lookup outside the REST API (Developer Guide, reference/connectwise-api.md §1.2)' },
  { vendor: 'connectwise', method: 'GET', path: /^\/[^/]+\/apis\/3\.0\/service\/boards\/\d+\/typeSubTypeItemAssociations$/, why: 'absent from the GET subset; documented in the full spec (reference/connectwise-api.md §3)' },
  { vendor: 'umbrella', method: 'GET', path: /^\/reports\/v2\/providers\/consoles$/, why: 'Providers Console Report, a Cisco OpenAPI document not in vendor-specs (reference/umbrella-api.md [SPEC-PC]); the client checks its answer with ProviderConsoleSchema' },
  { vendor: 'autotask', method: 'POST', path: /^\/ATServicesRest\/V1\.0\/\w+\/query\/next$/i, why: 'nextPageUrl paging, documented in Datto\'s help pages, not in the Swagger (reference/autotask-api.md §3.3)' },
];

/** Problems with one exchange; an empty list means it follows the vendor's document. */
export function checkExchange(exchange: Exchange): string[] {
  const where = `${exchange.method} ${exchange.path}`;
  if (UNDOCUMENTED.some((u) => u.vendor === exchange.vendor && u.method === exchange.method && u.path.test(exchange.path))) return [];
  const operation = findOperation(exchange.method, exchange.path, exchange.vendor);
  if (!operation) return [`${where}: no such operation in the ${exchange.vendor} documents`];
  const { spec, op, pathItem } = operation;
  const problems: string[] = [];

  const parameters = [...((pathItem.parameters as Json[] | undefined) ?? []), ...((op.parameters as Json[] | undefined) ?? [])].map((p) => deref(spec.doc, p));
  for (const parameter of parameters) {
    if (parameter.required !== true) continue;
    const name = String(parameter.name);
    if (parameter.in === 'query' && !(name in exchange.query) && !Object.keys(exchange.query).some((k) => k.toLowerCase() === name.toLowerCase())) {
      problems.push(`${where}: required query parameter "${name}" is missing`);
    }
    if (parameter.in === 'header' && exchange.headers[name.toLowerCase()] === undefined && !isAutotaskZoneCall(exchange, name)) {
      problems.push(`${where}: required header "${name}" is missing`);
    }
    if (parameter.in === 'body' && spec.swagger2 && parameter.schema) {
      const validate = validator(spec, parameter.schema);
      if (!validate(exchange.requestBody)) problems.push(`${where}: request body: ${errorsOf(validate)}`);
    }
  }

  const requestBody = deref(spec.doc, op.requestBody as Json | undefined);
  const requestSchema = jsonContent(requestBody?.content as Json | undefined)?.schema;
  if (requestSchema) {
    const body = exchange.headers['content-type']?.includes('form')
      ? Object.fromEntries(new URLSearchParams(exchange.rawRequestBody))
      : exchange.requestBody;
    const validate = validator(spec, requestSchema);
    if (!validate(body)) problems.push(`${where}: request body: ${errorsOf(validate)}`);
  }

  if (exchange.injected || exchange.status === 0 || exchange.status === 302) return problems;
  const responses = op.responses as Json;
  const response = deref(spec.doc, (responses[String(exchange.status)] ?? responses.default) as Json | undefined);
  if (!response) {
    if (exchange.status < 400) problems.push(`${where}: status ${String(exchange.status)} is not documented`);
    return problems;
  }
  const schema = spec.swagger2 ? response.schema : jsonContent(response.content as Json | undefined)?.schema;
  if (schema && exchange.responseBody !== undefined) {
    const validate = validator(spec, schema);
    if (!validate(exchange.responseBody)) problems.push(`${where} -> ${String(exchange.status)}: response body: ${errorsOf(validate)}`);
  }
  return problems;
}

/** The zone lookup is documented with the auth headers, but works (and is used) without them. */
function isAutotaskZoneCall(exchange: Exchange, header: string): boolean {
  return exchange.vendor === 'autotask' && /zoneinformation$/i.test(exchange.path) && ['apiintegrationcode', 'username', 'secret'].includes(header.toLowerCase());
}

export function checkExchanges(exchanges: readonly Exchange[]): string[] {
  return [...new Set(exchanges.flatMap(checkExchange))];
}
