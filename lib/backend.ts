import { join } from "node:path";
import { LocalBackend, type TerraformStack } from "cdktf";
import type { SandboxOptions } from "./sandbox";

/**
 * Gives a stack a local state file beside the output folder: `terraform.<stack>.tfstate` next to
 * `cdktf.out`, the place cdktf's default uses.
 *
 * cdktf's default writes that place as an absolute path (`/home/me/project/...`) into the
 * synthesized JSON. Here it is relative to the stack's folder (`<outdir>/stacks/<stack>`), which is
 * where both `cdktf deploy` and `terraform -chdir=cdktf.out/stacks/<stack>` run, so the output is
 * the same on every machine. Teams on a remote backend replace this one function.
 */
export function addLocalState(stack: TerraformStack, sandbox?: SandboxOptions): void {
  const name = stack.node.id;
  const path = sandbox ? join(sandbox.stateDir, `${name}.tfstate`) : `../../../terraform.${name}.tfstate`;
  new LocalBackend(stack, { path });
}
