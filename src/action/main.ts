/**
 * The GitHub Action's main step: inputs → task → ECR authorizations → masked environment
 * variables (`GITHUB_ENV`), step outputs and, when asked, docker logins. Every secret is masked
 * with `::add-mask::` the moment it exists, before anything else can print it. docs/ci/github-actions.md
 * is the user's guide.
 */

import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOptions } from "../cli/run-options.js";
import { loadTask } from "../cli/task-input.js";
import { EcrVarsError, isEcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import type { TaskConfig } from "../core/task.js";
import { formatExpiry, type Variable } from "../core/variables.js";
import { dockerConfig, registryLogins } from "../emit/docker-config.js";
import { defaultDockerConfigPath, updateConfigFile } from "../platform/docker-config-file.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { MASK } from "../platform/redactor.js";
import { describeFetch, runTask } from "../task/run.js";
import { dockerLogin, findDocker } from "./docker.js";
import { actionInputs, readSettings, unknownInputs } from "./inputs.js";
import { publishPlan } from "./outputs.js";
import {
  type ActionCore,
  MaskingRedactor,
  reportFailure,
  type SavedLogins,
  STATE,
} from "./toolkit.js";

/** The input that stands for a CLI flag, for messages; undefined for flags that are not inputs. */
function inputForFlag(flag: string): string | undefined {
  return actionInputs().find((input) => input.flag === flag)?.name;
}

/** The connector name the Action gives the workflow's OIDC identity. */
const OIDC_CONNECTOR = "github-actions-oidc";

export async function runMain(core: ActionCore, env: Env): Promise<void> {
  // Read first: mask-password decides what is masked. Anything but false masks (a value that is
  // not true or false fails the step below).
  const maskPassword = core.getInput("mask-password").toLowerCase() !== "false";
  const redactor = new MaskingRedactor((secret) => core.setSecret(secret), { maskPassword });
  const logger = createLogger({
    stream: { write: (text: string) => process.stdout.write(text) },
    redactor,
    debug: core.isDebug(),
  });
  let temp: string | undefined;
  try {
    for (const warning of unknownInputs(env)) core.warning(warning);
    const settings = readSettings((name) => core.getInput(name));
    for (const warning of settings.warnings) core.warning(warning);
    if (!settings.maskPassword) {
      core.warning(
        "mask-password: false: the registry password is not masked in this job's log (so that docker_password_<host> can be passed to another job); anything that prints it shows it",
      );
    }
    // http-proxy is for the AWS calls; docker login talks to its daemon, which has its own.
    const awsEnv = settings.httpProxy === undefined ? env : withProxy(env, settings.httpProxy);
    const run = runOptions(settings.flags, awsEnv);
    const loaded = await loadTask(settings.flags);
    let { task } = loaded;
    const title = task.description === undefined ? "ecr-vars" : `ecr-vars (${task.description})`;
    if (task.disabled) {
      logger.info(`${title}: the task is disabled; nothing was fetched or written.`);
      return;
    }
    core.saveState(STATE.skipLogout, String(settings.skipLogout));

    let connectorsPath = run.connectors;
    if (wantsWorkflowIdentity(task, env)) {
      // The request token lets anyone holding it mint OIDC tokens for this job: mask it first.
      redactor.add(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
      const token = await workflowToken(core, settings.audience);
      redactor.add(token);
      temp = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), "ecr-vars-"));
      core.saveState(STATE.temp, temp);
      ({ task, connectorsPath } = await workflowIdentity(task, token, temp));
      logger.info(
        `${title}: assuming ${loaded.task.roleArn} with the workflow's OIDC token (audience ${settings.audience})`,
      );
    }

    const outcome = await runTask({
      task,
      env: awsEnv,
      label: loaded.label,
      redactor,
      logger,
      timeoutMs: run.timeoutMs,
      ...(connectorsPath === undefined ? {} : { connectorsPath }),
    });
    if (outcome.kind === "disabled") return;

    const plan = publishPlan(outcome.variables, outcome.registries, task.scope, run.envNaming);
    for (const secret of plan.secrets) redactor.add(secret);
    for (const [name, value] of plan.env) core.exportVariable(name, value);
    for (const [name, value] of plan.outputs) core.setOutput(name, value);

    logger.info(`${title}: ${describeFetch(outcome)}`);
    logger.info(`  credentials: ${outcome.source}`);
    for (const variable of outcome.variables) {
      logger.info(`  ${variable.name}: ${variable.secret ? MASK : variable.value}`);
    }
    const expiry = Math.min(...outcome.authorizations.map((a) => a.expiresAt.getTime()));
    logger.info(`  token expires ${formatExpiry(new Date(expiry))}`);
    logger.info(
      task.scope === "result"
        ? `Set ${plan.env.length} environment variables (GITHUB_ENV) and ${plan.outputs.length} step outputs (scope result; masked outputs do not cross jobs: see docs/ci/github-actions.md).`
        : `Set ${plan.env.length} environment variables for the rest of this job (GITHUB_ENV, scope local) and the outputs ${plan.outputs.map(([n]) => n).join(", ")}.`,
    );

    if (settings.dockerLogin) await logIn(outcome.variables, core, env, logger);
  } catch (error) {
    // A role and no keys in a job that may not request OIDC tokens: the missing permission is
    // the cause, whatever the credential chain then tried (its fix would be to set keys).
    const missingIdToken =
      isEcrVarsError(error) &&
      error.kind === "credentials" &&
      core.getInput("role-arn") !== "" &&
      !env.ACTIONS_ID_TOKEN_REQUEST_URL &&
      !env.AWS_ACCESS_KEY_ID;
    reportFailure(
      missingIdToken
        ? new EcrVarsError({
            kind: "credentials",
            code: "NO_WORKFLOW_TOKEN",
            message:
              "role-arn is set, but this job may not request the workflow's OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set) and has no AWS keys",
            hint: "give the job `permissions: id-token: write` (with `contents: read`), so the Action assumes the role with the workflow's OIDC token",
            cause: error,
          })
        : error,
      core,
      redactor,
      logger,
      inputForFlag,
    );
  } finally {
    // The OIDC token file is only needed while the run assumes the role.
    if (temp !== undefined) await rm(temp, { recursive: true, force: true });
  }
}

/**
 * The environment with `http-proxy` as the proxy of every AWS call. Lower-case names are set too:
 * they win over upper-case ones (aws/http.ts reads them as curl does).
 */
function withProxy(env: Env, proxy: string): Env {
  return { ...env, HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy };
}

/** The workflow's OIDC token from the runner; a refusal is a credentials error, not a bug. */
async function workflowToken(core: ActionCore, audience: string): Promise<string> {
  try {
    return await core.getIDToken(audience);
  } catch (error) {
    throw new EcrVarsError({
      kind: "credentials",
      code: "NO_WEB_IDENTITY_TOKEN",
      message: `the runner gave no OIDC token for audience ${audience}: ${(error as Error).message}`,
      hint: "give the job `permissions: id-token: write`, or set an audience the token service accepts",
      cause: error,
    });
  }
}

/**
 * A role with no connector in a job that may request OIDC tokens: the role is assumed with the
 * workflow's own token (as configure-aws-credentials does), unless the job already has keys.
 */
function wantsWorkflowIdentity(task: TaskConfig, env: Env): boolean {
  return (
    task.roleArn !== undefined &&
    task.source.kind === "default-chain" &&
    Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL) &&
    Boolean(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) &&
    !env.AWS_ACCESS_KEY_ID &&
    !env.AWS_WEB_IDENTITY_TOKEN_FILE
  );
}

/**
 * The task rewritten to use a web-identity connector holding the workflow's token: the role is
 * assumed through the same AssumeRoleWithWebIdentity path as a connectors file's `web-identity`
 * connector. The token and the file naming it live in a 0700 directory removed after the run.
 */
async function workflowIdentity(
  task: TaskConfig,
  token: string,
  temp: string,
): Promise<{ task: TaskConfig; connectorsPath: string }> {
  const tokenFile = join(temp, "web-identity-token");
  await writeFile(tokenFile, token, { mode: 0o600, flag: "wx" });
  const connectorsPath = join(temp, "connectors.json");
  const connector = {
    id: randomUUID(),
    name: OIDC_CONNECTOR,
    type: "web-identity",
    roleArn: task.roleArn,
    tokenFile,
  };
  await writeFile(connectorsPath, JSON.stringify({ connectors: [connector] }), {
    mode: 0o600,
    flag: "wx",
  });
  const { roleArn: _assumedByTheConnector, ...rest } = task;
  return {
    task: {
      ...rest,
      source: { kind: "connector", connector: { kind: "ref", ref: OIDC_CONNECTOR } },
    },
    connectorsPath,
  };
}

/**
 * Logs in to every registry: with the docker CLI when there is one, otherwise by merging the
 * logins into the Docker config file. What was done is saved for the post step first, so a
 * failure half-way still gets undone.
 */
async function logIn(
  variables: readonly Variable[],
  core: ActionCore,
  env: Env,
  logger: Logger,
): Promise<void> {
  const logins = registryLogins(variables);
  const docker = await findDocker(env);
  if (docker === undefined) {
    const path = defaultDockerConfigPath(env);
    const saved: SavedLogins = { method: "file", path, hosts: logins.map((l) => l.host) };
    core.saveState(STATE.logins, JSON.stringify(saved));
    const merge = dockerConfig.merge;
    if (merge === undefined) throw new Error("the docker-config format cannot merge");
    await updateConfigFile(
      path,
      (text) => merge(text, variables, { namespace: "", envNaming: "upper", scope: "local" }),
      { createDirectory: true },
    );
    logger.info(
      `No docker CLI on PATH: wrote the logins for ${saved.hosts.join(", ")} to ${path}.`,
    );
    return;
  }
  // Saved after each login that succeeded: the post step logs out of those, and only those.
  const hosts: string[] = [];
  for (const login of logins) {
    await dockerLogin(docker, login.host, login.username, login.password, env);
    hosts.push(login.host);
    core.saveState(STATE.logins, JSON.stringify({ method: "cli", hosts } satisfies SavedLogins));
    logger.info(`Logged in to ${login.host} (docker login --password-stdin).`);
  }
}
