/** An overall deadline for work that makes several AWS calls (each with its own retries). */

import { EcrVarsError } from "../core/errors.js";

/**
 * Settles like `work`, or fails with AWS_TIMEOUT (exit 4) after `timeoutMs`, naming the calls
 * still waiting then (`pending`, e.g. `ECR GetAuthorizationToken in eu-west-1 at URL (attempt 2/3)`).
 */
export function withDeadline<T>(
  timeoutMs: number,
  pending: () => readonly string[],
  work: Promise<T>,
  hint = "check network access to the AWS endpoints, or raise --timeout",
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const waiting = pending();
      reject(
        new EcrVarsError({
          kind: "aws",
          code: "AWS_TIMEOUT",
          message: `no answer from AWS within ${Math.round(timeoutMs / 1000)} s${waiting.length > 0 ? `; still waiting for ${waiting.join(", ")}` : ""}`,
          hint,
        }),
      );
    }, timeoutMs);
    // The timer must not keep the process alive once the work is done.
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
