import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "node",
  target: "node20.19",
  outDir: "dist",
  clean: true,
  fixedExtension: false,
  // Pure-JS dependencies are bundled so `npx` installs little; libsql ships native parts and stays external.
  noExternal: [
    /^(commander|@commander-js|string-width|picocolors|p-limit|yocto-limit|zod|yocto-spinner|get-east-asian-width|strip-ansi|ansi-regex|yoctocolors)/,
  ],
  external: ["@libsql/client"],
});
