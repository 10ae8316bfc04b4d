/** A vendor said no in a way the user can act on; the message says what to do. Never holds a secret. */
export class VendorError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}
