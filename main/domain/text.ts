/**
 * Vendor text (identity labels end users choose, customer and company names, vendor error texts) made
 * safe for where it goes: a terminal, a log line, a CSV cell, a PSA field. Escape sequences (ANSI CSI
 * and OSC: colours, titles, hyperlinks, cursor moves), other control characters (BEL, backspace, NUL,
 * C1) and the invisible bidirectional overrides that reorder what a reader sees are removed; in a
 * single-line value, CR, LF and tab become a space, so no value can forge a line of its own.
 */
/* eslint-disable no-control-regex -- control characters are exactly what this module removes */
const ESCAPE_SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u009c)?|\u001b[@-_]?/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/** Text that may keep its line breaks (a ticket's description, a list of names, help text): no escapes, no other controls. */
export function plainText(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROLS, '');
}

/** A name or a message on one line: as plainText, with every line break a space. */
export function oneLine(text: string): string {
  return plainText(text).replace(/\n/g, ' ');
}

/**
 * Text for a PSA field (ticket summaries, descriptions and notes, configuration answers): as plainText,
 * and no markup, since PSA screens may render it (`<` and `>` become the look-alike ‹ and ›).
 */
export function psaText(text: string): string {
  return plainText(text).replace(/</g, '‹').replace(/>/g, '›');
}
