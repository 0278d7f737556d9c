import { buildProgram } from "./program";

// bin/vault-aws.js compiles this file and runs it.
buildProgram().parseAsync(process.argv);
