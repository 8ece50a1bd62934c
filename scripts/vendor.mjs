// Copies the front-end libraries installed by `npm ci` (package-lock.json) into
// static/vendor/, which git ignores. Nothing third-party is committed to the repository.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

const files = {
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "tom-select/dist/css/tom-select.bootstrap5.min.css": "tom-select/tom-select.bootstrap5.min.css",
  "tom-select/dist/js/tom-select.complete.min.js": "tom-select/tom-select.complete.min.js",
  "sortablejs/Sortable.min.js": "sortablejs/Sortable.min.js",
  "fullcalendar/index.global.min.js": "fullcalendar/index.global.min.js",
  "@fullcalendar/core/locales/ru.global.min.js": "fullcalendar/ru.global.min.js",
  "chart.js/dist/chart.umd.min.js": "chart.js/chart.umd.min.js",
  "cytoscape/dist/cytoscape.min.js": "cytoscape/cytoscape.min.js",
};

// A minified file that names its source map (`//# sourceMappingURL=x.map`) gets the map
// copied next to it. `collectstatic` with the manifest storage (DEBUG=0) rewrites that comment
// to the map's hashed name and fails when the map is missing; stripping the comment instead
// would leave the browser's devtools with one unreadable line. The maps carry the libraries'
// original sources (`sourcesContent`), and a browser fetches a map only while devtools are open.
const sourceMap = /[#@]\s*sourceMappingURL=([^\s*'"]+)/;

function copyMapOf(from, to) {
  if (!/\.(js|css)$/.test(from)) return;
  const found = readFileSync(from, "utf8").match(sourceMap);
  if (!found || found[1].startsWith("data:")) return;
  const map = join(dirname(from), found[1]);
  if (!existsSync(map)) {
    throw new Error(`${from} names the source map ${found[1]}, which its package does not ship`);
  }
  cpSync(map, join(dirname(to), found[1]));
}

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const source = join(modules, from);
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true });
  if (statSync(source).isFile()) copyMapOf(source, target);
}
console.log(`front-end libraries copied to ${vendor}`);
