// Copies the front-end libraries installed by `npm ci` (package-lock.json) into
// static/vendor/, which git ignores. Nothing third-party is committed to the repository.
import { cpSync, mkdirSync, rmSync } from "node:fs";
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
};

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target, { recursive: true });
}
console.log(`front-end libraries copied to ${vendor}`);
