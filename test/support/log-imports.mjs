// Loaded with `node --import`: records every module file the program loads, so a test can prove
// that a code path never reached the AWS SDK, zod or yaml. Written to $ECR_VARS_TEST_IMPORT_LOG.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from "node:fs";
    export async function load(url, context, next) {
      if (url.startsWith("file:")) appendFileSync(${JSON.stringify(process.env.ECR_VARS_TEST_IMPORT_LOG ?? "/dev/null")}, url + "\\n");
      return next(url, context);
    }
  `)}`,
);
