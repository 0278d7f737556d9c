import { checkReferences } from "./references";
import { expandRoleSets, noControlCharacters, writtenSchema } from "./schema";

/**
 * The accounts file's schema: each field (`./schema`), then the checks across fields
 * (`./references`) and the refusal of control characters in any string or key, then the expansion of role sets and selectors. It lives apart from both, so
 * that neither imports the other.
 */
export const configSchema = writtenSchema.superRefine(checkReferences).check(noControlCharacters()).transform(expandRoleSets);
