/** The package version, set at build time from package.json. */
declare const __ECR_VARS_VERSION__: string | undefined;

export const VERSION: string =
  typeof __ECR_VARS_VERSION__ === "string" ? __ECR_VARS_VERSION__ : "0.0.0-dev";
