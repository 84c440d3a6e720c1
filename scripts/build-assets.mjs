// Builds the front-end assets into assets/build/ (git-ignored):
// GOV.UK Frontend compiled from our Sass entry point (Arial, no GDS Transport),
// and the vendored scripts with their source maps (collectstatic's manifest
// storage follows sourceMappingURL comments and aborts if a map is missing).
import { mkdirSync, copyFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "assets", "build");
const modules = join(root, "node_modules");

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

const css = sass.compile(join(root, "assets", "scss", "application.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
mkdirSync(join(out, "css"), { recursive: true });
writeFileSync(join(out, "css", "application.css"), css.css);

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
// The UMD bundle exposes window.GOVUKFrontend, so our scripts need no module imports
// (which hashed file names in production would break).
copy(join(govuk, "all.bundle.js"), join(out, "js", "govuk-frontend.bundle.js"));
copy(join(govuk, "all.bundle.js.map"), join(out, "js", "all.bundle.js.map"));

const htmx = join(modules, "htmx.org", "dist");
copy(join(htmx, "htmx.min.js"), join(out, "js", "htmx.min.js"));
if (existsSync(join(htmx, "htmx.min.js.map"))) {
  copy(join(htmx, "htmx.min.js.map"), join(out, "js", "htmx.min.js.map"));
}

// Charts (always shown with their data tables) and the VOLT network view.
const chart = join(modules, "chart.js", "dist");
copy(join(chart, "chart.umd.min.js"), join(out, "js", "chart.umd.min.js"));
copy(join(chart, "chart.umd.min.js.map"), join(out, "js", "chart.umd.min.js.map"));
copy(join(modules, "cytoscape", "dist", "cytoscape.min.js"), join(out, "js", "cytoscape.min.js"));

// Every url() in the CSS must name a file in the build: collectstatic's manifest storage
// refuses to run otherwise, and production would answer 500 on every page. Files under
// /static/govuk/ ($govuk-assets-path) are copied from GOV.UK Frontend's assets, only those
// the CSS uses (today the crest); its GDS Transport fonts are never referenced, since only
// GOV.UK services may use them ($govuk-include-default-font-face is false).
const missing = [];
for (const match of css.css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
  const url = match[1].split(/[?#]/)[0];
  if (url.startsWith("data:")) continue;
  if (!url.startsWith("/static/")) {
    missing.push(`${url} (not under /static/)`);
    continue;
  }
  const relative = url.slice("/static/".length);
  const source = join(govuk, "assets", relative.slice("govuk/".length));
  if (relative.startsWith("govuk/") && existsSync(source)) {
    copy(source, join(out, relative));
  }
  if (!existsSync(join(out, relative))) missing.push(url);
}
if (missing.length) {
  console.error(`The CSS refers to files the build does not produce:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}

console.log(`Front-end assets built in ${out}`);
