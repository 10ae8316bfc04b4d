/**
 * What a form changed, as a settings patch names it: only the fields whose value differs from the
 * settings the form started from (nested objects field by field). Saving that, rather than the whole
 * section, keeps what the CLI or another window saved meanwhile in the fields this form left alone.
 */
type Changed<T> = { [K in keyof T]?: T[K] extends Record<string, unknown> ? Changed<T[K]> : T[K] };

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function changedFields<T extends Record<string, unknown>>(before: T, after: T): Changed<T> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const was: unknown = before[key];
    const now: unknown = after[key];
    if (isPlainObject(was) && isPlainObject(now)) {
      const inner = changedFields(was, now);
      if (Object.keys(inner).length > 0) changed[key] = inner;
    } else if (JSON.stringify(was) !== JSON.stringify(now)) {
      changed[key] = now;
    }
  }
  return changed as Changed<T>;
}
