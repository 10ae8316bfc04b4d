/** Turns anything thrown into a short, single-line reason fit for a log line or a user message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  if (typeof error === 'string') return error.split('\n')[0] ?? error;
  return 'unknown error';
}
