/** Something the user must set up first; the message says what and where. */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

/** The run was asked to stop (the service is shutting down) and left customers for the next run. */
export class RunStoppedError extends Error {
  override readonly name = 'RunStoppedError';
}
