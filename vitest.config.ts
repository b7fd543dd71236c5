import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "default",
          include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
          setupFiles: ["test/codegen.setup.ts"],
          environment: "node",
        },
      },
      {
        // The semantic suites once more with event filters as closures only (see the setup file).
        test: {
          name: "closures",
          include: ["test/compile/semantics.test.ts", "test/functions/*.test.ts", "test/kubelet/*.test.ts"],
          setupFiles: ["test/closures.setup.ts"],
          environment: "node",
        },
      },
    ],
  },
});
