// Build static/build/ from the pinned npm packages: GOV.UK Frontend CSS (Arial, no crown),
// its JavaScript and images. Run by scripts/setup (npm ci && npm run build); no CDN at run time.
import { cpSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import * as sass from "sass";

const out = "static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = sass.compile("static/src/app.scss", {
  loadPaths: ["."],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions"],
});
writeFileSync(`${out}/app.css`, result.css);

const govuk = "node_modules/govuk-frontend/dist/govuk";
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
console.log(`built ${out}/app.css (${result.css.length} bytes)`);
