/**
 * CSV as spreadsheets read it: a UTF-8 BOM (so Excel keeps accented names), CRLF line ends, and a cell a
 * spreadsheet would run as a formula prefixed with ' (and that prefix removed again on import).
 */
import Papa from 'papaparse';

const BOM = '\uFEFF';
/** papaparse's own test (`^[=+\-@\t\r].*$`) misses a value with a line break in it, so the first character alone decides, whatever follows. */
const FORMULA_TRIGGER = /^[=+\-@\t\r\n]/;
const FORMULA_START = /^'(?=[=+\-@\t\r\n])/;

export function toSpreadsheetCsv(fields: readonly string[], rows: readonly (readonly string[])[]): string {
  return BOM + Papa.unparse({ fields: [...fields], data: rows.map((r) => [...r]) }, { escapeFormulae: FORMULA_TRIGGER, newline: '\r\n' });
}

/** A cell as it was before export protected it (and without surrounding spaces). */
export function spreadsheetCell(value: string | undefined): string {
  return (value ?? '').replace(FORMULA_START, '').trim();
}

export function parseSpreadsheetCsv(text: string, transformHeader?: (name: string) => string): Papa.ParseResult<Record<string, string>> {
  return Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy', ...(transformHeader ? { transformHeader } : {}) });
}
