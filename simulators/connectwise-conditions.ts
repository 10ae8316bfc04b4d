/**
 * A parser and evaluator for ConnectWise's `conditions` query grammar (the subset integrations
 * use): `field op value` with =, !=, <, <=, >, >=, contains, like, in (...), joined by and/or with
 * parentheses. Strings in double or single quotes (backslash escapes), numbers, true/false, null,
 * [datetimes]. Fields are slash paths (`company/identifier`). A bad expression throws, with the
 * server's own advice in the message.
 */
export type Predicate = (record: unknown) => boolean;

export class ConditionsError extends Error {}

const ADVICE = 'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square brackets; numbers should consist of only digits, and optional decimal, and an optional negative sign; boolean values should be indicated with the keywords true or false; null values should be indicated by the keyword null.';

type Token = { kind: 'word' | 'string' | 'number' | 'date' | 'op' | 'lparen' | 'rparen' | 'comma'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', text: ch });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let text = '';
      i++;
      while (i < input.length && input.charAt(i) !== ch) {
        if (input.charAt(i) === '\\' && i + 1 < input.length) i++;
        text += input.charAt(i);
        i++;
      }
      if (i >= input.length) throw new ConditionsError(`Unterminated string in conditions. ${ADVICE}`);
      i++;
      tokens.push({ kind: 'string', text });
      continue;
    }
    if (ch === '[') {
      const end = input.indexOf(']', i);
      if (end < 0) throw new ConditionsError(`Unterminated date in conditions. ${ADVICE}`);
      tokens.push({ kind: 'date', text: input.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(input.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[1] ?? '' });
      i += op[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?(?![\w/])/.exec(input.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w/.]*/.exec(input.slice(i));
    if (!word) throw new ConditionsError(`Unexpected character '${ch}' in conditions. ${ADVICE}`);
    tokens.push({ kind: 'word', text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

type Value = string | number | boolean | null | Value[];

function fieldValue(record: unknown, path: string): unknown {
  let node: unknown = record;
  for (const part of path.split('/')) {
    if (node === null || typeof node !== 'object') return undefined;
    const key = Object.keys(node).find((k) => k.toLowerCase() === part.toLowerCase());
    node = key === undefined ? undefined : (node as Record<string, unknown>)[key];
  }
  return node;
}

function compare(left: unknown, op: string, right: Value): boolean {
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  switch (op) {
    case '=': return norm(left) === norm(right) || (left === undefined && right === null);
    case '!=': return !(norm(left) === norm(right) || (left === undefined && right === null));
    case '<': return (left as number) < (right as number);
    case '<=': return (left as number) <= (right as number);
    case '>': return (left as number) > (right as number);
    case '>=': return (left as number) >= (right as number);
    case 'contains': return typeof left === 'string' && typeof right === 'string' && left.toLowerCase().includes(right.toLowerCase());
    case 'like': {
      if (typeof left !== 'string' || typeof right !== 'string') return false;
      const pattern = right.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[%*]/g, '.*');
      return new RegExp(`^${pattern}$`, 'i').test(left);
    }
    case 'in': return Array.isArray(right) && right.some((r) => norm(r) === norm(left));
    default: throw new ConditionsError(`Unknown operator ${op}`);
  }
}

export function parseConditions(input: string): Predicate {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw new ConditionsError(`Unexpected end of conditions. ${ADVICE}`);
    return token;
  };

  const value = (): Value => {
    const token = next();
    if (token.kind === 'string' || token.kind === 'date') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return lower === 'true';
      if (lower === 'null') return null;
    }
    if (token.kind === 'lparen') {
      const list: Value[] = [];
      for (;;) {
        list.push(value());
        const sep = next();
        if (sep.kind === 'rparen') return list;
        if (sep.kind !== 'comma') throw new ConditionsError(`Expected , or ) in a list. ${ADVICE}`);
      }
    }
    throw new ConditionsError(`Unexpected value '${token.text}'. ${ADVICE}`);
  };

  const comparison = (): Predicate => {
    const token = peek();
    if (token?.kind === 'lparen') {
      next();
      const inner = disjunction();
      if (next().kind !== 'rparen') throw new ConditionsError('Expected )');
      return inner;
    }
    const field = next();
    if (field.kind !== 'word') throw new ConditionsError(`Expected a field name, found '${field.text}'. ${ADVICE}`);
    let negate = false;
    let opToken = next();
    if (opToken.kind === 'word' && opToken.text.toLowerCase() === 'not') {
      negate = true;
      opToken = next();
    }
    const op = opToken.kind === 'op' ? opToken.text : opToken.text.toLowerCase();
    if (!['=', '!=', '<', '<=', '>', '>=', 'contains', 'like', 'in'].includes(op)) throw new ConditionsError(`Unknown operator '${opToken.text}'. ${ADVICE}`);
    const right = value();
    return (record) => compare(fieldValue(record, field.text), op, right) !== negate;
  };

  const conjunction = (): Predicate => {
    let left = comparison();
    while (peek()?.kind === 'word' && peek()?.text.toLowerCase() === 'and') {
      next();
      const right = comparison();
      const l = left;
      left = (r) => l(r) && right(r);
    }
    return left;
  };

  function disjunction(): Predicate {
    let left = conjunction();
    while (peek()?.kind === 'word' && peek()?.text.toLowerCase() === 'or') {
      next();
      const right = conjunction();
      const l = left;
      left = (r) => l(r) || right(r);
    }
    return left;
  }

  const predicate = disjunction();
  if (pos < tokens.length) throw new ConditionsError(`Unexpected '${tokens[pos]?.text ?? ''}' in conditions. ${ADVICE}`);
  return predicate;
}
