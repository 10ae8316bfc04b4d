/** Picking one of the PSA's options by id or by name, with an error that lists what there is. */
import type { Option } from '../../preload/contract';
import { closest, distance } from 'fastest-levenshtein';
import { UsageError } from './exit-codes';

const preview = (options: readonly Option[]) => {
  const names = options.slice(0, 12).map((o) => `${o.name} (${String(o.id)})`).join(', ');
  return options.length === 0 ? 'there are none' : `${names}${options.length > 12 ? `, and ${String(options.length - 12)} more (see "list")` : ''}`;
};

/** The option whose id is `text`, or whose name is `text` (any case); `what` names the list in errors. */
export function pickOption<T extends Option>(options: readonly T[], text: string, what: string): T {
  const wanted = text.trim();
  if (/^\d+$/.test(wanted)) {
    const byId = options.find((o) => o.id === Number(wanted));
    if (byId) return byId;
  }
  const byName = options.filter((o) => o.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1 && byName[0]) return byName[0];
  if (byName.length > 1) throw new UsageError(`More than one ${what} is named "${wanted}": give its id instead (${byName.map((o) => String(o.id)).join(', ')}).`);
  throw new UsageError(`There is no ${what} "${wanted}". Choose one of: ${preview(options)}.`);
}

/** Values that clear an optional choice. */
export const isNone = (text: string) => ['none', 'default', ''].includes(text.trim().toLowerCase());

/** The known name a mistyped one most likely meant (at most 3 edits away), for "did you mean"; null when none is close. */
export function nearestName(given: string, known: readonly string[]): string | null {
  if (known.length === 0) return null;
  const near = closest(given, [...known]);
  return distance(given, near) <= 3 ? near : null;
}
