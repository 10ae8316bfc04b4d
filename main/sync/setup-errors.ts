/** Something the user must set up first; the message says what and where. */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}
