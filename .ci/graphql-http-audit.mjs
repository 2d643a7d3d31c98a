// The GraphQL-over-HTTP specification's server audit (graphql-http's serverAudits)
// against a running service: prints every audit that did not pass, and fails on any
// error or warning.
// Run from the folder graphql-http is installed in: it is resolved from there.
import { createRequire } from "node:module";

const { serverAudits } = createRequire(`${process.cwd()}/`)("graphql-http");

const url = process.argv[2];
let failed = 0;
let passed = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  if (result.status === "ok") {
    passed += 1;
    continue;
  }
  failed += 1;
  console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}`);
  if (result.response) {
    console.log(`  answered ${result.response.status} ${result.response.headers.get("content-type")}`);
  }
}
console.log(`graphql-http audit: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
