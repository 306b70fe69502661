/** A throw-away CA and server certificate made with the openssl CLI, for the emulator's TLS front. */

import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestCertificates {
  /** Path of the CA certificate (for AWS_CA_BUNDLE / SSL_CERT_FILE). */
  readonly caFile: string;
  readonly cert: string;
  readonly key: string;
}

export async function makeCertificates(
  dir: string,
  names: readonly string[],
): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=ecr-vars test CA",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]);
  await run("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    `/CN=${names[0] ?? "localhost"}`,
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
  ]);
  await writeFile(
    file("server.ext"),
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\nextendedKeyUsage=serverAuth\n`,
  );
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    file("server.pem"),
    "-extfile",
    file("server.ext"),
  ]);
  return {
    caFile: file("ca.pem"),
    cert: await readFile(file("server.pem"), "utf8"),
    key: await readFile(file("server.key"), "utf8"),
  };
}
