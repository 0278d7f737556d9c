// Lint: a few rules that find bugs, not taste (formatting is prettier's). Type-checked, so a rule
// sees what a value is, not how it is spelled. Each rule is argued where it is turned on.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".build/", "cdktf.out/", ".sandbox/", "coverage/", "**/*.js", "**/*.mjs", "**/*.d.ts"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: "./tsconfig.test.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A promise nobody awaits fails silently: a deploy step that "succeeded", an unhandled rejection.
      "@typescript-eslint/no-floating-promises": "error",
      // An async function where a sync callback is expected (forEach, an event handler) runs unawaited.
      "@typescript-eslint/no-misused-promises": "error",
      // Awaiting a non-promise is a misunderstanding of what the callee returns.
      "@typescript-eslint/await-thenable": "error",
      // An `any` value is a guess about a shape that nothing checks: parsed JSON (terraform's plan, a
      // stack's cdk.tf.json, Vault's answers), an untyped library result, commander's flags. Calling
      // it, returning it, reading its fields, assigning it or passing it on hands that guess to code
      // that trusts the type. Parsed values get their type where they are parsed (run/terraform-json.ts,
      // lib/vault-answer.ts); what the program does not interpret stays `unknown` until checked.
      "@typescript-eslint/no-unsafe-call": "error",
      "@typescript-eslint/no-unsafe-return": "error",
      "@typescript-eslint/no-unsafe-member-access": "error",
      "@typescript-eslint/no-unsafe-assignment": "error",
      "@typescript-eslint/no-unsafe-argument": "error",
      // A control character in a regular expression is almost always a typo (an escape lost).
      "no-control-regex": "error",
      // Rethrowing or rejecting with a non-Error loses the stack and the message shape the CLI prints.
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/prefer-promise-reject-errors": "error",
      // `${obj}` prints [object Object] into a message a user reads.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
      "@typescript-eslint/no-base-to-string": "error",
      // A switch over a union that forgets a member.
      "@typescript-eslint/switch-exhaustiveness-check": "error",
    },
  },
  {
    // A test that guesses a JSON shape wrong fails by itself; the unsafe-any rules guard the program.
    files: ["__tests__/**/*.ts", "e2e/**/*.ts", "test-support/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
);
