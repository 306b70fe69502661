/**
 * The peers' own host tables (test/support/peer-host-tables.ts) through ecr-vars' registry-host
 * parser and the credential helper's settings: every host a peer accepts is accepted with the
 * same account and region, every host a peer refuses is refused, except the kubelet pattern
 * table's placeholder region, which is no region code (docs/registries.md, "Naming a registry").
 */
import { describe, expect, test } from "vitest";
import { parseRegistryHost } from "../../src/core/registry-host.js";
import { resolveHelperSettings } from "../../src/helper/config.js";
import { cleanEnv } from "../support/cli.js";
import {
  hostPart,
  PEER_HOST_VECTORS,
  type PeerVector,
  PLACEHOLDER_REGION,
  withRealRegion,
} from "../support/peer-host-tables.js";

const env = cleanEnv();
const placeholder = (v: PeerVector) => v.input.includes(PLACEHOLDER_REGION);

/** What ecr-vars makes of an input: the parser's and the helper's verdicts. */
async function ours(input: string) {
  const parsed = parseRegistryHost(hostPart(input));
  const helper = await resolveHelperSettings(input, env);
  return { parsed, helper };
}

describe("the peers' host tables", () => {
  test("hold every vector of the three tables", () => {
    const count = (table: PeerVector["table"]) =>
      PEER_HOST_VECTORS.filter((v) => v.table === table).length;
    expect([count("ecr-login"), count("kubelet-region"), count("kubelet-pattern")]).toEqual([
      29, 11, 25,
    ]);
  });

  test.each(PEER_HOST_VECTORS.filter((v) => v.peerAccepts && !placeholder(v)))(
    "$table accepts $input: so do the parser and the helper, with its account and region",
    async (vector) => {
      const { parsed, helper } = await ours(vector.input);
      expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
      expect(helper.kind, JSON.stringify(helper)).toBe("settings");
      if (!parsed.ok || helper.kind !== "settings") return;
      if (vector.account === "public") expect(parsed.address.kind).toBe("public");
      else
        expect(parsed.address).toMatchObject({
          accountId: vector.account,
          region: vector.region,
        });
      expect(helper.settings).toMatchObject({
        registryId: vector.account,
        region: vector.region,
      });
    },
  );

  test.each(PEER_HOST_VECTORS.filter((v) => !v.peerAccepts))(
    "$table refuses $input: so do the parser and the helper",
    async (vector) => {
      const { parsed, helper } = await ours(vector.input);
      expect(parsed.ok).toBe(false);
      expect(helper.kind).toBe("not-ours");
    },
  );

  test.each(PEER_HOST_VECTORS.filter((v) => v.peerAccepts && placeholder(v)))(
    "$table accepts the placeholder $input: refused as no region, accepted with a real one",
    async (vector) => {
      const { parsed, helper } = await ours(vector.input);
      expect(parsed).toMatchObject({ ok: false });
      if (!parsed.ok) expect(parsed.reason).toContain("is not an AWS region code");
      expect(helper.kind).toBe("not-ours");
      const real = await ours(withRealRegion(vector.input));
      expect(real.parsed.ok, JSON.stringify(real.parsed)).toBe(true);
      expect(real.helper.kind).toBe("settings");
    },
  );

  test("counts: accepted and refused by each peer and by ecr-vars", async () => {
    const rows: string[] = [];
    for (const table of ["ecr-login", "kubelet-region", "kubelet-pattern"] as const) {
      const vectors = PEER_HOST_VECTORS.filter((v) => v.table === table);
      let weAccept = 0;
      for (const vector of vectors) if ((await ours(vector.input)).parsed.ok) weAccept++;
      const peerAccepts = vectors.filter((v) => v.peerAccepts).length;
      rows.push(
        `${table}: ${vectors.length} hosts; peer accepts ${peerAccepts}, refuses ${vectors.length - peerAccepts}; ecr-vars accepts ${weAccept}, refuses ${vectors.length - weAccept}`,
      );
      // Every difference is the placeholder region.
      expect(peerAccepts - weAccept).toBe(
        vectors.filter((v) => v.peerAccepts && placeholder(v)).length,
      );
    }
    console.log(rows.join("\n"));
  });
});
