/** Turns anything thrown into a short, single-line reason fit for a log line or a user message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  if (typeof error === 'string') return error.split('\n')[0] ?? error;
  return 'unknown error';
}
/** Something the user must set up first; the message says what and where. */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

/** The run was asked to stop (the service is shutting down) and left customers for the next run. */
export class RunStoppedError extends Error {
  override readonly name: string = 'RunStoppedError';
}
