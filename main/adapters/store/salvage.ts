/**
 * One salvage rule for anything read back from a file: keep every valid value, and drop or reset only
 * the invalid ones, saying which. An object keeps its valid fields (an invalid field gets its default);
 * a record keeps its valid entries (an invalid entry is dropped); anything else that fails gets its
 * default. So one bad mapping loses that mapping, not the others, and a threshold written as "3" resets
 * the threshold, not the whole ticketing section.
 */
import { z } from 'zod';

export interface Salvaged<T> {
  value: T;
  /** What was reset or dropped, as `path: reason (what happened)`; empty when the input was valid. */
  repairs: string[];
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema under its default, prefault, optional and nullable wrappers. */
function core(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
    inner = inner.def.innerType as z.ZodType;
  }
  return inner;
}

const join = (at: string, key: string) => (at === '' ? key : `${at}.${key}`);

function firstIssue(error: z.ZodError, at: string): string {
  const issue = error.issues[0];
  const where = (issue?.path ?? []).reduce<string>((path, key) => join(path, String(key)), at);
  return `${where || '(top level)'}: ${issue?.message ?? 'invalid'}`;
}

function salvageAt(schema: z.ZodType, value: unknown, at: string, repairs: string[]): unknown {
  const whole = schema.safeParse(value);
  if (whole.success) return whole.data;
  const inner = core(schema);
  if (isPlainObject(value) && (inner instanceof z.ZodObject || inner instanceof z.ZodRecord)) {
    const kept: Record<string, unknown> = {};
    if (inner instanceof z.ZodObject) {
      const shape: Record<string, z.ZodType> = inner.shape;
      for (const [key, field] of Object.entries(shape)) {
        kept[key] = salvageAt(field, value[key], join(at, key), repairs);
      }
    } else {
      for (const [key, entry] of Object.entries(value)) {
        const keyResult = (inner.keyType as z.ZodType).safeParse(key);
        const entryResult = (inner.valueType as z.ZodType).safeParse(entry);
        if (!keyResult.success) repairs.push(`${join(at, key)}: ${keyResult.error.issues[0]?.message ?? 'invalid key'} (entry dropped)`);
        else if (!entryResult.success) repairs.push(`${firstIssue(entryResult.error, join(at, key))} (entry dropped)`);
        else kept[key] = entryResult.data;
      }
    }
    const result = schema.safeParse(kept);
    if (result.success) return result.data;
  }
  const fallback = schema.safeParse(undefined);
  repairs.push(`${firstIssue(whole.error, at)} (reset to ${fallback.success && fallback.data !== undefined ? JSON.stringify(fallback.data) : 'nothing'})`);
  return fallback.success ? fallback.data : undefined;
}

/** Parses `value` with `schema`, keeping every valid part. Throws only if the schema has no default for a part that is invalid. */
export function salvage<S extends z.ZodType>(schema: S, value: unknown): Salvaged<z.output<S>> {
  const repairs: string[] = [];
  const result = salvageAt(schema, value, '', repairs);
  return { value: schema.parse(result), repairs };
}
