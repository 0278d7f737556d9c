import { globMatcher } from "../lib/glob";
import { globMatcher as accessGlob } from "../report/filter";

describe("one glob matcher for config selectors and access filters", () => {
  test("config selectors: case counts, as for every name in the config", () => {
    expect(globMatcher("dev-*")("dev-1")).toBe(true);
    expect(globMatcher("dev-*")("DEV-1")).toBe(false);
    expect(globMatcher("dev-?")("dev-12")).toBe(false);
  });
  test("access filters: the same matcher, ignoring case", () => {
    expect(accessGlob("DEV-*")("dev-1")).toBe(true);
    expect(globMatcher("DEV-*", { ignoreCase: true })("dev-1")).toBe(true);
  });
  test("the access filter speaks the same glob as the config's selectors (braces, classes)", () => {
    for (const [pattern, name] of [
      ["{dev,prod}", "prod"],
      ["acct-[0-9]", "acct-7"],
    ]) {
      expect(accessGlob(pattern)(name)).toBe(globMatcher(pattern)(name));
      expect(accessGlob(pattern)(name)).toBe(true);
    }
  });
});
