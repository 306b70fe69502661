/**
 * Plain HTTP requests of `ecr-vars doctor` (docs/doctor.md): the instance metadata service
 * (always direct, as the SDK asks it) and an endpoint's `Date` header (through the proxy the
 * environment names for it, as the SDK's calls go). Bounded in time and in size.
 */

import type { Env } from "../core/expressions.js";

export type ProbeAnswer =
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly headers: Record<string, string | string[] | undefined>;
      readonly body: string;
    }
  | { readonly kind: "error"; readonly timeout: boolean; readonly message: string };

const MAX_BODY = 64 * 1024;

export async function probe(
  url: string,
  options: {
    readonly method: string;
    readonly headers?: Record<string, string>;
    readonly timeoutMs: number;
    /** With an environment: through the proxy it names for `url` (src/aws/http.ts). */
    readonly env?: Env;
  },
): Promise<ProbeAnswer> {
  const target = new URL(url);
  const lib = target.protocol === "https:" ? await import("node:https") : await import("node:http");
  let agent: unknown;
  if (options.env !== undefined) {
    const { httpSettings } = await import("../aws/http.js");
    const settings = await httpSettings(options.env, () => {});
    agent = target.protocol === "https:" ? settings?.httpsAgent : settings?.httpAgent;
  }
  return new Promise((resolve) => {
    const request = lib.request(
      target,
      {
        method: options.method,
        headers: options.headers ?? {},
        ...(agent === undefined ? {} : { agent: agent as never }),
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        response.on("end", () =>
          resolve({
            kind: "answer",
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: body.slice(0, MAX_BODY),
          }),
        );
        response.on("error", (error) =>
          resolve({ kind: "error", timeout: false, message: error.message }),
        );
      },
    );
    request.setTimeout(options.timeoutMs, () => {
      request.destroy();
      resolve({
        kind: "error",
        timeout: true,
        message: `no answer within ${options.timeoutMs} ms`,
      });
    });
    request.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: "error", timeout: false, message: error.code ?? error.message }),
    );
    request.end();
  });
}
