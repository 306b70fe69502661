/**
 * `helm-config`: the `docker-config` merge into Helm's registry config, the file `helm registry
 * login` writes and `helm pull|push oci://…` reads (docs/clients.md). Helm reads it through the
 * same credential-store rules as Docker's `config.json`: `credHelpers`, then `credsStore`, then
 * `auths`.
 */

import { authFileFormat } from "./docker-config.js";

export const helmConfig = authFileFormat({
  name: "helm-config",
  description:
    "the docker-config merge into Helm's registry config (helm pull/push oci://); default file: $HELM_REGISTRY_CONFIG, else $HELM_CONFIG_HOME/registry/config.json, else ~/.config/helm/registry/config.json",
  client: "helm",
  credentialHelper: true,
});
