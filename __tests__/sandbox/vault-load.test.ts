import { type LoadCall, loadFigures, longestGapMs, startLoad } from "../../sandbox/vault-load";

const call = (endedMs: number, ok = true, ms = 10, retries = 0): LoadCall => ({ endedMs, ms, ok, retries });

describe("longestGapMs", () => {
  test("the longest stretch between successes, failures not counting as successes", () => {
    expect(longestGapMs([call(100), call(200), call(900, false), call(1500), call(1600)], 0, 2000)).toBe(1300);
  });
  test("counts the window's edges: no success near the end is a gap to the end", () => {
    expect(longestGapMs([call(100), call(200)], 0, 5000)).toBe(4800);
  });
  test("no success at all is the whole window", () => {
    expect(longestGapMs([call(500, false)], 1000, 4000)).toBe(3000);
  });
});

describe("loadFigures", () => {
  test("counts the calls started and ended in the window, failed and retried, and percentiles of the successful ones", () => {
    const inWindow = Array.from({ length: 20 }, (_, i) => call(120 + i, true, i + 1, i % 4 === 0 ? 1 : 0));
    const calls = [call(50, true, 10), ...inWindow, call(130, false, 5), call(150, true, 999), call(250, true, 1)];
    expect(loadFigures(calls, 100, 200)).toEqual({ calls: 21, failed: 1, retried: 5, p50Ms: 10, p95Ms: 19 });
  });
});

describe("startLoad", () => {
  test("runs the workers until stopped, recording successes and failures", async () => {
    let n = 0;
    const load = startLoad(3, async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (++n % 2 === 0) throw new Error("boom");
      return { retries: 0 };
    });
    await new Promise((r) => setTimeout(r, 60));
    const calls = await load.stop();
    expect(calls.length).toBeGreaterThan(6);
    expect(calls.filter((c) => !c.ok).every((c) => c.error === "boom")).toBe(true);
    expect(calls.some((c) => c.ok)).toBe(true);
  });
});
