export * from "./admin-managed-policy";
export * from "./inline-allows-all-of-iam";
export * from "./inline-allows-everything";
export * from "./inline-read-only-actions";
export * from "./level";
export * from "./read-only-managed-policy";
export * from "./role-privilege";
export * from "./statements";
