/** What the soak's service child and the soak driver tell each other over the IPC channel. */

/** One simulated day of the service process, measured at its end (after a full GC). */
export interface DayFigures {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  rssMb: number;
  heapMb: number;
  /** V8's heap as reserved from the OS (heapUsed is what live objects take of it). */
  heapTotalMb: number;
  /** Memory outside the V8 heap that JS objects hold (Buffers, ArrayBuffers). */
  externalMb: number;
  /** Event-loop delay, 99th percentile over the day, ms. */
  loopP99Ms: number;
  /** CPU time of the process over the day (its runs: idle hours are skipped), ms. */
  cpuMs: number;
  /** Active handles and requests (process.getActiveResourcesInfo). */
  handles: number;
  /** Listeners on the process object and on the service's stop signal. */
  listeners: number;
  /** Bytes written to the state file that day. */
  stateWritten: number;
}

export type ChildMessage =
  /** The schedule is idle until `to`: may the clock move there? `day` closes the day that ends on the way. */
  | { type: 'advance'; now: number; to: number; day?: DayFigures };

export type ParentMessage =
  | { type: 'go' }
  /** The machine slept: the clock jumps forward now, in the middle of whatever runs. */
  | { type: 'sleep'; ms: number };
