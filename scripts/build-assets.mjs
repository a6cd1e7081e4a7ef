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
// Our own scripts. Templates have no inline script: the Content-Security-Policy (script-src 'self')
// only runs files served from this origin.
for (const name of ["js-enabled.js", "govuk-init.js", "register.js", "qa-autosave.js"]) {
  cpSync(`static/src/${name}`, `${out}/${name}`);
}
// The compiled CSS refers to these images (collectstatic's manifest needs them); the pages do not
// use the crown or crest, and the GDS Transport fonts are left out by the Sass settings above.
cpSync(`${govuk}/assets/images`, `${out}/assets/images`, { recursive: true });
console.log(`built ${out}/app.css (${result.css.length} bytes)`);
