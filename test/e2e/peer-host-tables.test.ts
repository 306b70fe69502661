/**
 * The peers' host tables (test/support/peer-host-tables.ts) through the built credential helper,
 * as Docker would send them: an accepted host gets the emulator's credentials for its account and
 * region (keys of the host's partition), a refused one gets the protocol's "not found" with no
 * AWS call at all.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseRegistryHost } from "../../src/core/registry-host.js";
import { type E2eContext, startE2e } from "../support/e2e-harness.js";
import {
  hostPart,
  PEER_HOST_VECTORS,
  PLACEHOLDER_REGION,
  withRealRegion,
} from "../support/peer-host-tables.js";
import { runHelper } from "../support/registry.js";

const PASSWORD = "peer-tables-password-0123456789abcdefghij";
const PARTITIONS = [
  ...["aws", "aws-cn", "aws-us-gov", "aws-eusc"],
  ...["aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"],
];
const keyOf = (partition: string) => ({
  accessKeyId: `AKIAPEER${partition.replaceAll("-", "").toUpperCase().padEnd(12, "X")}`,
  secretAccessKey: `peer-secret-${partition}-0123456789abcdefghijklmnop`,
});

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e({
    password: PASSWORD,
    users: PARTITIONS.map((partition) => ({ ...keyOf(partition), partition })),
  });
});
afterAll(async () => {
  await ctx?.close();
});

interface Outcome {
  readonly accepted: boolean;
  readonly stdout: string;
}

/** The helper's `get` for one input, with the keys of the partition the vector names. */
async function get(input: string): Promise<Outcome> {
  // Keys of the host's partition (aws for a host no partition owns: no call is expected then).
  const parsed = parseRegistryHost(hostPart(withRealRegion(input)));
  const partition =
    parsed.ok && parsed.address.kind === "private" ? parsed.address.partition : "aws";
  const result = await runHelper(
    "get",
    input,
    ctx.bareEnv({
      AWS_ACCESS_KEY_ID: keyOf(partition).accessKeyId,
      AWS_SECRET_ACCESS_KEY: keyOf(partition).secretAccessKey,
      ECR_VARS_CACHE: "0",
    }),
  );
  if (result.code === 0) expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
  else expect(result.stdout.trim()).toBe("credentials not found in native keychain");
  return { accepted: result.code === 0, stdout: result.stdout };
}

describe("the peers' host tables through docker-credential-ecr-vars get", () => {
  test("accepted and refused counts per table; every difference is the placeholder region", async () => {
    const rows: string[] = [];
    for (const table of ["ecr-login", "kubelet-region", "kubelet-pattern"] as const) {
      const vectors = PEER_HOST_VECTORS.filter((v) => v.table === table);
      const expected = (vector: (typeof vectors)[number]) =>
        vector.peerAccepts && !vector.input.includes(PLACEHOLDER_REGION);
      // Two batches, each run concurrently: the hosts to refuse alone, so that the emulator's
      // request count during that batch is theirs (it must stay 0: a refused host costs no AWS
      // call), then the hosts to answer.
      let accepted = 0;
      for (const batch of [vectors.filter((v) => !expected(v)), vectors.filter(expected)]) {
        const before = ctx.emu.requests.length;
        const outcomes = await Promise.all(batch.map((vector) => get(vector.input)));
        const calls = ctx.emu.requests.length - before;
        batch.forEach((vector, index) => {
          const outcome = outcomes[index] as Outcome;
          expect(outcome.accepted, `${vector.input}: ${outcome.stdout}`).toBe(expected(vector));
          if (outcome.accepted) accepted++;
        });
        const refusedBatch = batch.every((vector) => !expected(vector));
        if (refusedBatch) expect(calls, batch.map((v) => v.input).join(" ")).toBe(0);
        else expect(calls).toBeGreaterThanOrEqual(batch.length);
      }
      const peer = vectors.filter((v) => v.peerAccepts).length;
      rows.push(
        `${table}: ${vectors.length} hosts; peer accepts ${peer}, refuses ${vectors.length - peer}; docker-credential-ecr-vars answers ${accepted}, refuses ${vectors.length - accepted}`,
      );
    }
    console.log(rows.join("\n"));
  });

  test("the placeholder-region hosts are answered once the region is real", async () => {
    const placeholders = PEER_HOST_VECTORS.filter(
      (v) => v.peerAccepts && v.input.includes(PLACEHOLDER_REGION),
    );
    expect(placeholders.length).toBe(6);
    for (const vector of placeholders) {
      const outcome = await get(withRealRegion(vector.input));
      expect(outcome.accepted, `${withRealRegion(vector.input)}: ${outcome.stdout}`).toBe(true);
    }
  });
});
