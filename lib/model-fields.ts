/**
 * How a construct takes its config from the model, so that no model field is dropped on the way to
 * Terraform: a construct's config is the model type it serves, minus the fields that reach
 * Terraform elsewhere (each named with its reason); the stack passes the model value whole; and the
 * construct takes every remaining field by name, which `everyFieldTaken` checks at compile time.
 * Adding a field to the model then fails to compile until a construct uses it or a stack says why not.
 */

/** `T` with the fields `K` made optional: the construct documents each one's default. */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/**
 * Compile-time check that a construct took every field of its config: pass it the rest of the
 * destructuring (`const { a, b, ...rest } = config; everyFieldTaken(rest)`). A field left over
 * makes the call fail to compile. It does nothing at run time.
 */
export function everyFieldTaken(_rest: { readonly [field: string]: never }): void {}
