import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "node",
  target: "node20.19",
  outDir: "dist",
  clean: true,
  // `.js`, not `.mjs`: the package is "type": "module" and bin points at dist/index.js.
  fixedExtension: false,
  // Runtime `dependencies` (only @libsql/client, which ships native parts) stay external; the
  // pure-JS libraries are devDependencies and get bundled, so `npx` installs little.
});
