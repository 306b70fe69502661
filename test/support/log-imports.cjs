// Loaded with `node --require`: at exit, writes every file the program loaded (Node's module
// cache) to $ECR_VARS_TEST_IMPORT_LOG, so a test can prove that a code path never loaded the AWS
// SDK's bundle or the other packages' (dist/aws-sdk.cjs, dist/vendor.cjs).
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const log = process.env.ECR_VARS_TEST_IMPORT_LOG;
  if (log) writeFileSync(log, `${Object.keys(require.cache).join("\n")}\n`);
});
