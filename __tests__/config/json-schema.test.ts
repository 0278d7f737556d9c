import { readFileSync } from "node:fs";
import { accountsJsonSchema } from "../../lib/config/json-schema";

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
    expect(committed.properties.accounts.items.properties.id).toEqual({ type: "string", pattern: "^\\d{12}$" });
  });
});
