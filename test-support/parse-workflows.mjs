// Validates GitHub Actions workflows with @actions/workflow-parser, the parser GitHub's own
// language services use, for __tests__/ci/pipelines.test.ts.
//
// stdin: [{ "name": "file.yml", "content": "..." }, ...]
// stdout: { "file.yml": ["error message", ...], ... } ([] when the workflow is valid)
//
// Why a child process: the package is ESM only, which jest with ts-jest (CommonJS here) cannot
// import. And why the hook below: its compiled code imports its JSON schema without the
// `with { type: "json" }` attribute that Node's own ESM loader requires (bundlers don't), so
// the hook adds that attribute for the package's JSON files, and nothing else.
import { register } from "node:module";

const addJsonAttribute = `
export async function load(url, context, next) {
  if (url.endsWith(".json") && url.includes("/node_modules/@actions/")) {
    return next(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(addJsonAttribute)}`);

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");
const { ErrorPolicy } = await import("@actions/workflow-parser/model/convert");

let input = "";
for await (const chunk of process.stdin) input += chunk;

const result = {};
for (const file of JSON.parse(input)) {
  const parsed = parseWorkflow(file, new NoOperationTraceWriter());
  // TryConversion: also run the converter's checks (unknown `needs`, cycles, ...) when the schema
  // check already found something; by default conversion is skipped after the first error.
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
  const messages = [...parsed.context.errors.getErrors().map((e) => e.message), ...(template.errors ?? []).map((e) => e.Message)];
  result[file.name] = [...new Set(messages)];
}
process.stdout.write(JSON.stringify(result));
