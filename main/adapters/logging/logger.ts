/** A minimal logger interface so modules log without knowing where lines go. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (message) => { console.log(message); },
  warn: (message) => { console.warn(message); },
  error: (message) => { console.error(message); },
};

/** Collects lines in memory: for tests and for run logs shown in the UI. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}
