import { percentile } from "./timing";

/** One finished call of a load run: when it ended (ms since the run started), how long it took, and whether it worked. */
export interface LoadCall {
  readonly endedMs: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly retries: number;
  readonly error?: string;
}

/** Runs `workers` loops that call `call` (with the loop's number) back to back until `stop()`; returns every call. */
export function startLoad(
  workers: number,
  call: (worker: number) => Promise<{ retries: number }>,
): { readonly startedAt: number; stop(): Promise<LoadCall[]> } {
  const started = performance.now();
  const calls: LoadCall[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) {
      const begin = performance.now();
      try {
        const { retries } = await call(worker);
        calls.push({ endedMs: performance.now() - started, ms: performance.now() - begin, ok: true, retries });
      } catch (error) {
        calls.push({
          endedMs: performance.now() - started,
          ms: performance.now() - begin,
          ok: false,
          retries: 0,
          error: (error as Error).message,
        });
      }
    }
  });
  return {
    /** `performance.now()` when the run started: every `endedMs` counts from it. */
    startedAt: started,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return calls;
    },
  };
}

/**
 * The longest time, in ms, within [fromMs, toMs] during which no call succeeded: the largest
 * distance between consecutive successful calls' ends, the window's edges included.
 */
export function longestGapMs(calls: readonly LoadCall[], fromMs: number, toMs: number): number {
  const ends = calls.filter((c) => c.ok && c.endedMs >= fromMs && c.endedMs <= toMs).map((c) => c.endedMs);
  const points = [fromMs, ...ends.sort((a, b) => a - b), toMs];
  let longest = 0;
  for (let i = 1; i < points.length; i++) longest = Math.max(longest, points[i] - points[i - 1]);
  return longest;
}

/** Figures of a load run's calls within [fromMs, toMs]. */
export interface LoadFigures {
  readonly calls: number;
  readonly failed: number;
  readonly retried: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/**
 * Counts and latency percentiles of the calls that started and ended within [fromMs, toMs] (calls in
 * flight across an edge are left out); percentiles over the successful ones.
 */
export function loadFigures(calls: readonly LoadCall[], fromMs: number, toMs: number): LoadFigures {
  const within = calls.filter((c) => c.endedMs - c.ms >= fromMs && c.endedMs <= toMs);
  const times = within.filter((c) => c.ok).map((c) => c.ms);
  return {
    calls: within.length,
    failed: within.filter((c) => !c.ok).length,
    retried: within.filter((c) => c.retries > 0).length,
    p50Ms: times.length ? percentile(times, 50) : NaN,
    p95Ms: times.length ? percentile(times, 95) : NaN,
  };
}
