/** A vendor said no in a way the user can act on; the message says what to do. Never holds a secret. */
export class VendorError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /**
     * The answer names a setting or credential the user must change (an unknown company ID or API
     * username, a wrong integration code), whatever status it came with: retrying cannot help.
     */
    readonly configuration = false,
  ) {
    super(message);
  }
}
