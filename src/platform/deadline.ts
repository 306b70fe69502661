/** An overall deadline for work that makes several AWS calls (each with its own retries). */

import { EcrVarsError } from "../core/errors.js";

/** Settles like `work`, or fails with AWS_TIMEOUT (exit 4) after `timeoutMs`. */
export function withDeadline<T>(timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EcrVarsError({
            kind: "aws",
            code: "AWS_TIMEOUT",
            message: `no answer from AWS within ${Math.round(timeoutMs / 1000)} s`,
            hint: "check network access to the AWS endpoints, or raise --timeout",
          }),
        ),
      timeoutMs,
    );
    // The timer must not keep the process alive once the work is done.
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
