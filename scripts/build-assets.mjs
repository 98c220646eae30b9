// Compiles the stylesheet with Dart Sass and copies GOV.UK Frontend's script into portal/static.
// Fonts and the crown images are deliberately not copied: the service uses Arial and its own icon.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "portal/static";
mkdirSync(`${out}/css`, { recursive: true });
mkdirSync(`${out}/js`, { recursive: true });

const result = sass.compile("portal/assets/scss/main.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/css/main.css`, result.css);
copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/js/govuk-frontend.min.js`);
console.log(`assets: ${out}/css/main.css (${result.css.length} bytes), ${out}/js/govuk-frontend.min.js`);
