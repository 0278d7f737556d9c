/**
 * The one shape of a `vault-aws` subcommand. Every handler lives in `cli/commands/<name>.ts`, takes
 * its parsed options and this context, and returns its exit code (0 ok, 1 failure, 2 "there are
 * changes or drift" where a pipeline needs to tell). It writes nowhere but through the context.
 */
export interface CommandContext {
  /** The environment the command reads (tests pass their own). */
  readonly env: NodeJS.ProcessEnv;
  /** A result line, to stdout. */
  readonly log: (line: string) => void;
  /** Progress, warnings and notes, to stderr, so results on stdout (`--json`) stay pure. */
  readonly note: (line: string) => void;
}

/** A subcommand: its parsed options and the context in, its exit code out. */
export type CommandHandler<O> = (options: O, ctx: CommandContext) => Promise<number> | number;
