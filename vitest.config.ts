import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "peers", include: ["test/peers/**/*.test.ts"], testTimeout: 120_000 } },
      { test: { name: "install", include: ["test/install/**/*.test.ts"], testTimeout: 300_000 } },
      { test: { name: "exe", include: ["test/exe/**/*.test.ts"], testTimeout: 120_000 } },
    ],
  },
});
