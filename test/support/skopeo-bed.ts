/**
 * The bed of the skopeo tests (the peers suite's and the executable's): the emulator answering as
 * ECR, a real docker-registry that takes the emulator's password, under ECR's name behind a
 * loopback forward proxy that delivers the requests to it, and a small OCI image to push.
 */

import { type E2eContext, PROXY_DOMAIN, startE2e } from "./e2e-harness.js";
import { buildImage } from "./oci.js";
import { startProxy, type TestProxy } from "./proxy.js";
import { type Registry, startRegistry } from "./registry.js";

export interface SkopeoBed {
  readonly ctx: E2eContext;
  readonly proxy: TestProxy;
  /** The OCI layout directory of the image (see oci.ts). */
  readonly image: string;
  close(): Promise<void>;
}

/** Starts the bed; what started is stopped again if a later part fails. */
export async function startSkopeoBed(password: string, content: string): Promise<SkopeoBed> {
  const ctx = await startE2e({ password, proxyEndpoint: () => `https://${PROXY_DOMAIN}` });
  let registry: Registry | undefined;
  let proxy: TestProxy | undefined;
  const close = async () => {
    await proxy?.close();
    await registry?.stop();
    await ctx.close();
  };
  try {
    registry = await startRegistry(ctx.dir, "AWS", password);
    const target = registry.host;
    proxy = await startProxy({
      tls: () => undefined,
      http: (host) => (host === PROXY_DOMAIN ? target : undefined),
    });
    return { ctx, proxy, image: await buildImage(ctx.dir, content), close };
  } catch (error) {
    await close();
    throw error;
  }
}
