/** Autotask query filters: eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, in, notIn, and/or groups, and one UDF filter. */

export interface Filter {
  op?: unknown;
  field?: unknown;
  value?: unknown;
  udf?: unknown;
  items?: unknown;
}

export class QueryError extends Error {}

const OPERATORS = ['eq', 'noteq', 'gt', 'gte', 'lt', 'lte', 'beginsWith', 'endsWith', 'contains', 'exist', 'notExist', 'in', 'notIn', 'and', 'or'];

type Entity = Record<string, unknown> & { userDefinedFields?: { name: string; value: string | null }[] };

function fieldOf(entity: Entity, filter: Filter): unknown {
  const field = String(filter.field);
  if (filter.udf === true) return entity.userDefinedFields?.find((u) => u.name.toLowerCase() === field.toLowerCase())?.value ?? null;
  const key = Object.keys(entity).find((k) => k.toLowerCase() === field.toLowerCase());
  if (key === undefined) throw new QueryError(`Unable to find ${field} in the entity.`);
  return entity[key];
}

function lower(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

export function matches(entity: Entity, filter: Filter): boolean {
  const op = String(filter.op);
  if (!OPERATORS.includes(op)) throw new QueryError(`Invalid filter operator: ${op}`);
  if (op === 'and' || op === 'or') {
    if (!Array.isArray(filter.items) || filter.items.length === 0) throw new QueryError(`A ${op} group needs items.`);
    const results = (filter.items as Filter[]).map((f) => matches(entity, f));
    return op === 'and' ? results.every(Boolean) : results.some(Boolean);
  }
  if (typeof filter.field !== 'string' || filter.field === '') throw new QueryError('A filter needs a field.');
  const actual = lower(fieldOf(entity, filter));
  const expected = lower(filter.value);
  switch (op) {
    case 'eq': return actual === expected;
    case 'noteq': return actual !== expected;
    case 'gt': return (actual as number) > (expected as number);
    case 'gte': return (actual as number) >= (expected as number);
    case 'lt': return (actual as number) < (expected as number);
    case 'lte': return (actual as number) <= (expected as number);
    case 'beginsWith': return typeof actual === 'string' && actual.startsWith(String(expected));
    case 'endsWith': return typeof actual === 'string' && actual.endsWith(String(expected));
    case 'contains': return typeof actual === 'string' && actual.includes(String(expected));
    case 'exist': return actual !== null && actual !== undefined && actual !== '';
    case 'notExist': return actual === null || actual === undefined || actual === '';
    case 'in': return Array.isArray(filter.value) && filter.value.map(lower).includes(actual);
    case 'notIn': return Array.isArray(filter.value) && !filter.value.map(lower).includes(actual);
    default: return false;
  }
}

export function countUdfFilters(filters: Filter[]): number {
  return filters.reduce((n, f) => n + (f.udf === true ? 1 : 0) + (Array.isArray(f.items) ? countUdfFilters(f.items as Filter[]) : 0), 0);
}
