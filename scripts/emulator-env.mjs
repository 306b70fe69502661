// The environment the benchmarks give the programs: the local emulator's
// user, a throw-away home and token cache, and nothing of this machine's own AWS set-up.
import { join } from "node:path";

export function emulatorEnv(emu, dir) {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    ECR_VARS_CACHE_DIR: join(dir, "cache"),
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(dir, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
