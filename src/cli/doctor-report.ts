/**
 * What `ecr-vars doctor` reports (docs/doctor.md): one result per check, in order, each a line
 * with ✓ (pass), ✗ (fail) or – (not applicable here), a fix for a failure, and detail lines; as
 * text for people and JSON for machines. Nothing here ever holds a secret.
 */

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  /** A stable name for machines: `credentials`, `permission`, `clock`, ... */
  readonly check: string;
  readonly status: CheckStatus;
  /** One line: what was found. */
  readonly summary: string;
  /** For a failure: what to do about it. */
  readonly fix?: string;
  /** More lines (each link of the chain, each endpoint's route). */
  readonly details?: readonly string[];
  /** The exit code this failure gives when it is the first one (README, "Exit codes"). */
  readonly exitCode?: 2 | 3 | 4;
}

const MARK: Record<CheckStatus, string> = { pass: "✓", fail: "✗", skip: "–" };

export function renderText(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const fix = result.status === "fail" && result.fix ? ` — fix: ${result.fix}` : "";
    lines.push(`${MARK[result.status]} ${result.check}: ${result.summary}${fix}`);
    for (const detail of result.details ?? []) lines.push(`    ${detail}`);
  }
  const failed = results.filter((r) => r.status === "fail").length;
  lines.push(
    failed === 0
      ? `All ${results.length} checks passed.`
      : `${failed} of ${results.length} checks failed.`,
  );
  return `${lines.join("\n")}\n`;
}

export function renderJson(results: readonly CheckResult[]): string {
  const ok = results.every((r) => r.status !== "fail");
  return `${JSON.stringify({ ok, checks: results }, null, 2)}\n`;
}

/** 0 when nothing failed, else the exit code of the first failure. */
export function doctorExitCode(results: readonly CheckResult[]): number {
  const failed = results.find((r) => r.status === "fail");
  return failed === undefined ? 0 : (failed.exitCode ?? 2);
}
