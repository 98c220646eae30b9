// Compiles the stylesheet with Dart Sass and copies GOV.UK Frontend's script into portal/static,
// then writes every static file again under portal/static/dist with a content hash in its name
// (cached for a year, immutable), each beside its gzip and brotli forms, and dist/manifest.json
// mapping plain names to hashed ones (portal/assets.py reads it; WhiteNoise serves the files).
// GOV.UK's fonts and the crown images are deliberately not copied: the service uses Arial and its
// own icon. Urdu pages alone get Noto Nastaliq Urdu (css/urdu.css, linked only when lang="ur").
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as sass from "sass";

const out = "portal/static";
const dist = `${out}/dist`;
mkdirSync(`${out}/css`, { recursive: true });
mkdirSync(`${out}/js`, { recursive: true });

const result = sass.compile("portal/assets/scss/main.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/css/main.css`, result.css);
const urdu = sass.compile("portal/assets/scss/urdu.scss", { style: "compressed" });
writeFileSync(`${out}/css/urdu.css`, urdu.css);
mkdirSync(`${out}/fonts`, { recursive: true });
for (const weight of [400, 700]) {
  const font = `noto-nastaliq-urdu-arabic-${weight}-normal.woff2`;
  copyFileSync(`node_modules/@fontsource/noto-nastaliq-urdu/files/${font}`, `${out}/fonts/${font}`);
}
copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/js/govuk-frontend.min.js`);

const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
  const path = join(dir, entry.name);
  if (entry.isDirectory()) return path === dist ? [] : files(path);
  return [relative(out, path)];
});
// Files that name others go after what they name, so the names can be rewritten to the hashed
// ones: init.js imports govuk-frontend.min.js, a stylesheet's url() names a font.
const order = (name) => (name.endsWith("init.js") ? 2 : name.endsWith(".css") ? 1 : 0);
const sources = files(out).sort((a, b) => order(a) - order(b));
rmSync(dist, { recursive: true, force: true });
const manifest = {};
for (const name of sources) {
  let body = readFileSync(join(out, name));
  if (name.endsWith(".js")) {
    let text = body.toString();
    for (const [plain, hashed] of Object.entries(manifest)) {
      if (dirname(plain) === dirname(name)) {
        text = text.replaceAll(`"./${plain.split("/").pop()}"`, `"./${hashed.split("/").pop()}"`);
      }
    }
    body = Buffer.from(text);
  }
  if (name.endsWith(".css")) {
    let text = body.toString();
    for (const [plain, hashed] of Object.entries(manifest)) {
      if (plain.startsWith("fonts/")) text = text.replaceAll(`../${plain}`, `../${hashed.slice("dist/".length)}`);
    }
    body = Buffer.from(text);
  }
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  const ext = extname(name);
  const hashed = `${name.slice(0, -ext.length)}.${hash}${ext}`;
  manifest[name] = `dist/${hashed}`;
  const target = join(dist, hashed);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, body);
  writeFileSync(`${target}.gz`, gzipSync(body, { level: 9 }));
  writeFileSync(`${target}.br`, brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }));
}
writeFileSync(`${dist}/manifest.json`, JSON.stringify(manifest, null, 1));
console.log(`assets: ${out}/css/main.css (${result.css.length} bytes), ${Object.keys(manifest).length} files ` +
  `fingerprinted and compressed in ${dist}`);
