import { join } from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { StateModel } from "./model";
import type { SandboxOptions } from "./sandbox";

/**
 * Gives a stack its state backend.
 *
 * - **local** (the default): `terraform.<stack>.tfstate` in the project folder, wherever the output
 *   folder is (see `BuildAppOptions.localStateDir`). cdktf's default writes an absolute path into
 *   the synthesized JSON; here it is relative to the stack's folder (`<outdir>/stacks/<stack>`),
 *   where both `cdktf deploy` and `terraform -chdir=...` run, so the default layout's output is the
 *   same on every machine.
 * - **s3**: `s3://<bucket>/<keyPrefix>/<stack>.tfstate`, always encrypted, locked with S3's own
 *   lock file (`use_lockfile`, Terraform 1.10+) rather than the deprecated DynamoDB table.
 * - **sandbox**: with `state.s3` in the config, the same S3 backend on the emulator's S3 (its
 *   endpoint, path-style addressing, no account lookups; the throwaway keys come from the
 *   environment, so no role or profile), locking included; otherwise a local file in the sandbox's
 *   state folder.
 */
export function addStateBackend(stack: TerraformStack, state: StateModel, sandbox?: SandboxOptions): void {
  const name = stack.node.id;
  if (sandbox && state.kind === "s3") {
    new S3Backend(stack, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${name}.tfstate`,
      region: state.region,
      encrypt: true,
      endpoints: { s3: sandbox.awsEndpoint, sts: sandbox.awsEndpoint, iam: sandbox.awsEndpoint },
      usePathStyle: true,
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: true,
    });
    stack.addOverride("terraform.backend.s3.use_lockfile", true);
  } else if (sandbox) {
    new LocalBackend(stack, { path: join(sandbox.stateDir, `${name}.tfstate`) });
  } else if (state.kind === "local") {
    new LocalBackend(stack, { path: `${state.fromStackDir ?? "../../.."}/terraform.${name}.tfstate` });
  } else {
    new S3Backend(stack, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${name}.tfstate`,
      region: state.region,
      encrypt: true,
      kmsKeyId: state.kmsKeyId,
      assumeRole: state.roleArn ? { roleArn: state.roleArn } : undefined,
      profile: state.profile,
    });
    stack.addOverride("terraform.backend.s3.use_lockfile", true);
    // use_lockfile is generally available from Terraform 1.11; older versions fail on it obscurely.
    stack.addOverride("terraform.required_version", ">= 1.11");
  }
}
