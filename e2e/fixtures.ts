import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/** A fresh temporary folder for one test's sandbox. */
export function workDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `vama-e2e-${label}-`));
}

/** Writes a config given as data to `<dir>/<name>` and returns its path. */
export function writeConfig(dir: string, name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(data));
  return file;
}

/** A small config: the broker's account and one target account. */
export function smallConfig(): Record<string, any> {
  return {
    broker: { account: "primary" },
    accounts: [
      { name: "primary", id: "111111111111", roles: [{ name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["sre"] }] },
      { name: "dev", id: "222222222222", roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] }] },
    ],
  };
}

/** Collects progress lines, and shows them when a test fails. */
export function collector(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}
