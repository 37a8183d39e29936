// Builds the browser app into OUT (default: dist/):
//   1. typed clients from proto/ (protoc + protoc-gen-es) into src/gen/
//   2. the stylesheet: GOV.UK Frontend (Sass, Arial: the GOV.UK Transport
//      typeface and the crown are for GOV.UK services only) + uPlot + ours
//   3. the script: src/main.ts bundled and minified by esbuild
//   4. index.html naming both by their content hash (cached for a year)
// Usage: node build.mjs [--out DIR] [--skip-gen]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import * as sass from "sass";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outArg = args.indexOf("--out");
const out = path.resolve(outArg >= 0 ? args[outArg + 1] : path.join(here, "dist"));
const proto = path.resolve(here, "../../../proto");

if (!args.includes("--skip-gen")) {
  const gen = path.join(here, "src/gen");
  fs.rmSync(gen, { recursive: true, force: true });
  fs.mkdirSync(gen, { recursive: true });
  const files = fs.readdirSync(path.join(proto, "casework/v1"))
    .filter((f) => f.endsWith(".proto"))
    .map((f) => path.join(proto, "casework/v1", f));
  execFileSync("protoc", [
    `-I${proto}`,
    `--plugin=protoc-gen-es=${path.join(here, "node_modules/.bin/protoc-gen-es")}`,
    `--es_out=${gen}`,
    "--es_opt=target=ts,import_extension=none",
    ...files,
  ], { stdio: "inherit" });
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, "assets"), { recursive: true });
const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 10);

const css = sass.compile(path.join(here, "src/app.scss"), {
  loadPaths: [path.join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
}).css;
const cssName = `assets/app-${hash(css)}.css`;
fs.writeFileSync(path.join(out, cssName), css);

const result = await esbuild.build({
  entryPoints: [path.join(here, "src/main.ts")],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  write: false,
  outdir: path.join(out, "assets"),
  entryNames: "app-[hash]",
  legalComments: "none",
  logLevel: "warning",
});
let jsName = "";
for (const f of result.outputFiles) {
  fs.writeFileSync(f.path, f.contents);
  if (f.path.endsWith(".js")) jsName = path.relative(out, f.path);
}

const index = `<!DOCTYPE html>
<html lang="en" class="govuk-template govuk-template--rebranded">
<head>
  <meta charset="utf-8">
  <title>casework</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#0b0c0c">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/${cssName}">
  <script type="module" src="/${jsName}"></script>
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
  <div id="app"><main class="govuk-main-wrapper" id="main-content"><div class="govuk-width-container"><p class="govuk-body">Loading casework...</p></div></main></div>
  <noscript><p>casework needs JavaScript to sign you in.</p></noscript>
</body>
</html>
`;
fs.writeFileSync(path.join(out, "index.html"), index);
const sizes = { js: fs.statSync(path.join(out, jsName)).size, css: css.length };
fs.writeFileSync(path.join(out, "sizes.json"), JSON.stringify(sizes));
console.log(`web app: ${out} (js ${sizes.js} bytes, css ${sizes.css} bytes)`);
