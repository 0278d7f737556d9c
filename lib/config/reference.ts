import { accountsJsonSchema } from "./json-schema";

/**
 * `docs/config-reference.md`: every key of `accounts.yaml`, its type, its default and what it does,
 * generated from the JSON Schema that is itself generated from the zod schema the program validates
 * with (`accounts.schema.json`). The descriptions are the schema's own (`.describe()`), so the
 * reference cannot drift from the program. A test fails when the committed file is out of date: run
 * `npm run schema`.
 */

/** The part of a JSON Schema node this reference reads. */
interface Node {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly required?: readonly string[];
  readonly items?: Node;
  readonly additionalProperties?: Node | boolean;
  readonly anyOf?: readonly Node[];
}

/** One row of the reference. */
export interface ReferenceRow {
  /** The key's path, e.g. `accounts[].roles[].maxTtl` or `requesters.<name>.groups[]`. */
  readonly key: string;
  readonly type: string;
  /** The default, `required`, or `–` (optional, no default: the description says what then). */
  readonly default: string;
  readonly description: string;
}

/** The rows of the reference, in the schema's order, parents before their keys. */
export function configReferenceRows(): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  // A mapping met before (a role under roleSets is one under accounts[].roles) is referred to, not repeated.
  const documented = new Map<string, string>();
  const visit = (node: Node, path: string, required: boolean) => {
    const object = objectOf(node);
    const shape = object?.properties ? JSON.stringify(object.properties) : undefined;
    const seen = shape !== undefined ? documented.get(shape) : undefined;
    if (path !== "") {
      const description =
        seen !== undefined ? `${node.description ?? ""}${node.description ? "; " : ""}the keys of \`${seen}\`` : (node.description ?? "");
      rows.push({ key: path, type: typeOf(node), default: defaultOf(node, required), description });
    }
    if (seen !== undefined) return;
    if (shape !== undefined) documented.set(shape, path);
    if (object?.properties) {
      for (const [key, child] of Object.entries(object.properties))
        visit(child, path === "" ? key : `${path}.${key}`, object.required?.includes(key) ?? false);
    } else if (object && typeof object.additionalProperties === "object") {
      // A mapping of names (requesters, roleSets): its entries are documented once, under <name>.
      visit({ ...object.additionalProperties, description: object.additionalProperties.description ?? "" }, `${path}.<name>`, false);
    }
    const items = arrayItems(node);
    if (items && documented.has(JSON.stringify(objectOf(items)?.properties ?? null))) {
      rows.push({
        key: `${path}[]`,
        type: "mapping",
        default: "–",
        description: `the keys of \`${documented.get(JSON.stringify(objectOf(items)!.properties))}\``,
      });
      return;
    }
    if (items && (objectOf(items)?.properties || arrayItems(items))) visit(items, `${path}[]`, false);
  };
  visit(accountsJsonSchema() as Node, "", true);
  // An entry's own row says nothing its parent's does not: drop `<name>` and `[]` rows without a description.
  return rows.filter((row) => row.description !== "" || !/(\[\]|\.<name>)$/.test(row.key));
}

/** The object a node describes, if it is one (an optional object is an object). */
function objectOf(node: Node): Node | undefined {
  if (node.type === "object") return node;
  return node.anyOf?.find((n) => n.type === "object");
}

/** The items of a list node. */
function arrayItems(node: Node): Node | undefined {
  return node.type === "array" ? node.items : undefined;
}

function typeOf(node: Node): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(" or ");
  if (node.const !== undefined) return JSON.stringify(node.const);
  const items = arrayItems(node);
  if (items) return `list of ${objectOf(items)?.properties ? "mappings" : typeOf(items)}`;
  if (objectOf(node)) return "mapping";
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.type === "integer") return "whole number";
  return typeof node.type === "string" ? node.type : "any";
}

function defaultOf(node: Node, required: boolean): string {
  if (node.default !== undefined) {
    const value = node.default;
    if (Array.isArray(value) && value.length === 0) return "`[]`";
    if (typeof value === "object" && value !== null && Object.keys(value).length === 0) return "`{}`";
    return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
  }
  return required ? "required" : "–";
}

/**
 * A table cell of the schema's own text: `|` would end the cell, a newline the row, and `<name>`
 * would be read as an HTML tag.
 */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The whole of `docs/config-reference.md`. */
export function configReferenceMarkdown(): string {
  const rows = configReferenceRows().map((row) => `| \`${row.key}\` | ${cell(row.type)} | ${row.default} | ${cell(row.description)} |`);
  return [
    "# Config reference (`accounts.yaml`)",
    "",
    "<!-- Generated from the zod schema (lib/config/schema.ts) by `npm run schema`; do not edit by hand. -->",
    "",
    "Every key of `accounts.yaml`. Unknown keys are errors, with the nearest allowed key suggested.",
    "Durations are written `900s`, `15m`, `1h` or `1h30m`. Checks across fields (unique names, references",
    "to accounts, roles and requesters, TTL order, IAM quotas) are the program's and are not listed here;",
    "[writing accounts.yaml](accounts.md) explains them with examples. Editors get the same schema from",
    "[`accounts.schema.json`](../accounts.schema.json).",
    "",
    "| key | type | default | what it does |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
