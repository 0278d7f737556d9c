/**
 * The one shape of a `vault-aws` subcommand. Every handler lives in `cli/commands/<name>.ts`, takes
 * its parsed options and this context, and returns its exit code (0 ok, 1 failure, 2 "there are
 * changes or drift" where a pipeline needs to tell). It writes nowhere but through the context,
 * and throws what it cannot handle: `cli/program.ts` prints every thrown error one way
 * (`failureMessage` in `./failure.ts`), exit code 1.
 */
export interface CommandContext {
  /** The environment the command reads (tests pass their own). */
  readonly env: NodeJS.ProcessEnv;
  /** A result line, to stdout. */
  readonly log: (line: string) => void;
  /** A result as it is (a policy, a report), to stdout, without a newline added. */
  readonly write: (text: string) => void;
  /** Progress, warnings and notes, to stderr, so results on stdout (`--json`) stay pure. */
  readonly note: (line: string) => void;
}

/** A subcommand: its parsed options and the context in, its exit code out. */
export type CommandHandler<O> = (options: O, ctx: CommandContext) => Promise<number> | number;

/** The prefix of every error a subcommand ends with. */
export const ERROR_PREFIX = "vault-aws: ";
