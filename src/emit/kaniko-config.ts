/**
 * `kaniko-config`: the `docker-config` merge into the file kaniko's executor reads
 * (docs/clients.md). Its image ships other credential helpers but not ours, so only `auths`
 * entries are written.
 */

import { authFileFormat } from "./docker-config.js";

export const kanikoConfig = authFileFormat({
  name: "kaniko-config",
  description:
    "the docker-config merge (auths only) into kaniko's config.json; default file: $DOCKER_CONFIG/config.json, else /kaniko/.docker/config.json",
  client: "kaniko",
  credentialHelper: false,
});
