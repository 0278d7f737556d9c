import { readFileSync } from "node:fs";
import { accountsJsonSchema } from "../../lib/config/json-schema";
import { configReferenceMarkdown, configReferenceRows } from "../../lib/config/reference";

describe("accounts.schema.json", () => {
  const committed = JSON.parse(readFileSync(`${__dirname}/../../accounts.schema.json`, "utf8"));
  test("is up to date with the zod schema (run `npm run schema` after changing it)", () => {
    expect(committed).toEqual(accountsJsonSchema());
  });
  test("rejects unknown keys, as the program does", () => {
    expect(committed.additionalProperties).toBe(false);
    expect(committed.properties.accounts.items.additionalProperties).toBe(false);
  });
  test("tells editors that an account id is a 12-digit string", () => {
    expect(committed.properties.accounts.items.properties.id).toEqual({
      type: "string",
      pattern: "^\\d{12}$",
      description: "the 12-digit account id, quoted (unquoted, YAML reads it as a number); unique",
    });
  });
});

describe("docs/config-reference.md", () => {
  test("is up to date with the zod schema (run `npm run schema` after changing it)", () => {
    expect(readFileSync(`${__dirname}/../../docs/config-reference.md`, "utf8")).toBe(configReferenceMarkdown());
  });
  const rows = configReferenceRows();
  const row = (key: string) => rows.find((r) => r.key === key);
  test("every key has a description, taken from the schema", () => {
    expect(rows.filter((r) => r.description === "").map((r) => r.key)).toEqual([]);
    expect(row("accounts[].roles[].managedPolicyArns")?.description).toContain("at most 10");
  });
  test("says what is required and what each default is", () => {
    expect(row("broker.account")).toMatchObject({ type: "string", default: "required" });
    expect(row("vault.roleStacks")).toMatchObject({ type: "whole number", default: "`16`" });
    expect(row("accounts[].roles")).toMatchObject({ type: "list of mappings", default: "`[]`" });
    expect(row("unknownManagedPolicies")).toMatchObject({ type: '"error" or "warn"', default: "`error`" });
    expect(row("vault.address")?.default).toBe("–");
  });
  test("documents a mapping met twice once: roleSets entries point at accounts[].roles[]", () => {
    expect(row("roleSets.<name>[]")?.description).toBe("the keys of `accounts[].roles[]`");
    expect(rows.filter((r) => r.key.startsWith("roleSets.<name>[]."))).toEqual([]);
  });
  test("every key of the zod schema's top level is in it", () => {
    const top = Object.keys((accountsJsonSchema() as { properties: object }).properties);
    expect(top.filter((key) => !row(key))).toEqual([]);
  });
});
