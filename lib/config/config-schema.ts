import { checkReferences } from "./references";
import { expandRoleSets, writtenSchema } from "./schema";

/**
 * The accounts file's schema: each field (`./schema`), then the checks across fields
 * (`./references`), then the expansion of role sets and selectors. It lives apart from both, so
 * that neither imports the other.
 */
export const configSchema = writtenSchema.superRefine(checkReferences).transform(expandRoleSets);
