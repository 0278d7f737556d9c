import { formatDuration, parseDuration } from "../lib/duration";

describe("parseDuration", () => {
  test.each([
    ["900s", 900],
    ["15m", 900],
    ["1h", 3600],
    ["1h30m", 5400],
    ["2h0m5s", 7205],
  ])("%s is %d seconds", (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  test.each(["", "1", "1d", "h", "1 h", "30m1h", "-1h"])("%j is not a duration", (text) => expect(parseDuration(text)).toBeUndefined());
});

describe("formatDuration", () => {
  test.each([
    [900, "15m"],
    [3600, "1h"],
    [5400, "1h30m"],
    [7205, "2h5s"],
    [0, "0s"],
  ])("%d seconds is %s", (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});
