import { buildProgram } from "./program";

// bin/vault-aws.js compiles this file and runs it.
// An empty ACCOUNTS_FILE or CDKTF_OUTDIR means "not set", as it always has for `npm run synth`.
for (const name of ["ACCOUNTS_FILE", "CDKTF_OUTDIR"]) if (process.env[name] === "") delete process.env[name];
// Every handler's failure is caught and printed inside (see exit() in program.ts).
void buildProgram().parseAsync(process.argv);
