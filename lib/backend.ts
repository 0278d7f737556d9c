import { join, relative } from "node:path";
import { App, LocalBackend, type TerraformStack } from "cdktf";
import type { SandboxOptions } from "./sandbox";

/**
 * Gives a stack a local state file at a path that does not depend on the machine.
 *
 * cdktf's default writes an absolute path (`/home/me/project/terraform.<stack>.tfstate`) into the
 * synthesized JSON. Here the path is relative to the stack's own folder, which is where both
 * `cdktf deploy` and `terraform -chdir=cdktf.out/stacks/<stack>` run, so the file lands at the same
 * place as cdktf's default and the synth output is the same on every machine. Teams on a remote
 * backend replace this in one place.
 */
export function addLocalState(stack: TerraformStack, sandbox?: SandboxOptions): void {
  const name = stack.node.id;
  if (sandbox) {
    new LocalBackend(stack, { path: join(sandbox.stateDir, `${name}.tfstate`) });
    return;
  }
  const stackDir = join(App.of(stack).outdir, "stacks", name);
  new LocalBackend(stack, { path: relative(stackDir, join(process.cwd(), `terraform.${name}.tfstate`)) });
}
