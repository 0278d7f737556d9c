import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { buildApp, type BuildAppOptions } from "../app";
import { parseConfig } from "../lib/config/load";
import type { AccountsConfig } from "../lib/config/schema";
import { buildModel, type Model } from "../lib/model";

/** The smallest valid config: a broker account and one target account with one role. */
export function baseConfig(): Record<string, any> {
  return {
    broker: { account: "primary" },
    requesters: { developers: { description: "Application developers" } },
    accounts: [
      { name: "primary", id: "111111111111" },
      {
        name: "dev",
        id: "222222222222",
        roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] }],
      },
    ],
  };
}

/** Validates a config given as data, through the same YAML path as a file. */
export function configOf(data: unknown, file = "accounts.yaml"): AccountsConfig {
  return parseConfig(stringify(data), file);
}

/** The model of a config given as data. */
export function modelOf(data: unknown): Model {
  return buildModel(configOf(data));
}

/** A synthesized app: every stack's Terraform JSON by stack name, and the folder it was written to. */
export interface Synthesized {
  readonly outdir: string;
  readonly stacks: Record<string, any>;
  readonly manifest: any;
}

/** Synthesizes a config given as data into a fresh temporary folder and reads the result back. */
export function synth(data: unknown, options: Omit<BuildAppOptions, "outdir"> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), "vama-synth-"));
  buildApp(modelOf(data), { ...options, outdir }).synth();
  const stacks: Record<string, any> = {};
  for (const name of readdirSync(join(outdir, "stacks"))) {
    stacks[name] = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  }
  return { outdir, stacks, manifest: JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) };
}

/** All resources of one type in a synthesized stack, by logical id. */
export function resources(stack: any, type: string): Record<string, any> {
  return stack.resource?.[type] ?? {};
}

/** The one resource of a type whose attribute `key` equals `value`. */
export function resourceWhere(stack: any, type: string, key: string, value: unknown): any {
  const found = Object.values(resources(stack, type)).filter((r: any) => r[key] === value);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} with ${key}=${JSON.stringify(value)}, found ${found.length}`);
  }
  return found[0];
}

/** Every resource of every stack, as "stack type.id" → attributes (metadata removed). */
export function resourcesOf(stacks: Record<string, any>): Map<string, Record<string, unknown>> {
  const all = new Map<string, Record<string, unknown>>();
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [type, byId] of Object.entries(json.resource ?? {})) {
      for (const [id, attributes] of Object.entries(byId as Record<string, any>)) {
        const { "//": _metadata, ...rest } = attributes;
        all.set(`${stack} ${type}.${id}`, rest);
      }
    }
  }
  return all;
}

/**
 * What changed between two syntheses: removed and added resources, and the changed attributes of
 * kept ones, as `type.attribute` (`changed`) and with their stack, `stack type.attribute` (`changedIn`).
 */
export function diff(before: Record<string, any>, after: Record<string, any>) {
  const a = resourcesOf(before);
  const b = resourcesOf(after);
  const removed = [...a.keys()].filter((key) => !b.has(key));
  const added = [...b.keys()].filter((key) => !a.has(key));
  const changedIn: string[] = [];
  for (const [key, attributes] of a) {
    const next = b.get(key);
    if (!next) continue;
    const [stack, address] = key.split(" ");
    const type = address.split(".")[0];
    for (const name of new Set([...Object.keys(attributes), ...Object.keys(next)])) {
      if (JSON.stringify(attributes[name]) !== JSON.stringify(next[name])) changedIn.push(`${stack} ${type}.${name}`);
    }
  }
  const changed = changedIn.map((c) => c.split(" ")[1]);
  return { removed, added, changed: [...new Set(changed)].sort(), changedIn: [...new Set(changedIn)].sort() };
}
