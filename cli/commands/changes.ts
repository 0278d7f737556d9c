import { describeAccess } from "../../lib/access";
import { type BaseFlags, chosenBase, computeChanges } from "../../pipeline/compute";
import { changeReasons } from "../../pipeline/reasons";
import type { CommandHandler } from "../context";

/** Options of `vault-aws changes`. */
export interface ChangesOptions extends BaseFlags {
  readonly config: string;
  readonly outdir: string;
  readonly json: boolean;
}

/** `vault-aws changes`: the stacks a change touches, as text or as the JSON pipelines read. */
export const changesCommand: CommandHandler<ChangesOptions> = async (options, ctx) => {
  const { json } = options;
  const { value: baseArg, kind } = chosenBase(options);
  const started = Date.now();
  const { base, current, set } = await computeChanges(
    baseArg,
    { configFile: options.config, outdir: options.outdir, env: ctx.env, note: ctx.note },
    [],
    kind,
  );
  const { changes } = set;
  if (json) {
    ctx.log(JSON.stringify(changes));
    return 0;
  }
  const names = (list: readonly string[]) =>
    list.length > 20 ? `${list.slice(0, 20).join(", ")} … and ${list.length - 20} more` : list.join(", ");
  ctx.log(
    `changes against ${baseArg}: ${changes.create.length} to create, ${changes.update.length} to update, ${changes.destroy.length} to destroy, ${changes.unchanged} unchanged (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  for (const [label, list] of [
    ["create", changes.create],
    ["update", changes.update],
    ["destroy", changes.destroy],
  ] as const) {
    if (list.length > 0) ctx.log(`  ${label.padEnd(8)}${names(list)}`);
  }
  set.waveDetails.forEach((wave, i) => ctx.log(`  wave ${i + 1} (${wave.action}): ${names(wave.stacks)}`));
  // Why each stack to update changes: the resources that differ, and the ARNs a policy gains or loses.
  const shown = changes.update.slice(0, 20);
  if (shown.length > 0) ctx.log(`why${changes.update.length > shown.length ? ` (the first ${shown.length} stacks to update)` : ""}:`);
  for (const stack of shown) {
    const reasons = changeReasons(base.stacks.get(stack), current.stacks.get(stack)!);
    ctx.log(`  ${stack}: ${reasons[0]}`);
    for (const reason of reasons.slice(1)) ctx.log(`  ${" ".repeat(stack.length)}  ${reason}`);
  }
  if (!set.accessKnown) ctx.log("access: unknown: the base has no access.json (synthesized before this release)");
  else if (changes.access.granted.length + changes.access.revoked.length === 0) ctx.log("access: no requester gains or loses access");
  for (const entry of changes.access.granted) ctx.log(`  + ${describeAccess(entry, "granted")}`);
  for (const entry of changes.access.revoked) ctx.log(`  - ${describeAccess(entry, "revoked")}`);
  return 0;
};
