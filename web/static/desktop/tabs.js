// Tabs made of modules, as on the team page (/team/) and in the desktop's My team dialog: each tab
// is a module ./<id>.js whose default export is {id, label, dictionaries: {en, zh}, mount(panel, ctx), ...};
// and the tab bar of the staff pages (supervision and the team page), whose tab is in the URL's #hash.

import { mergeDictionaries } from "./translate.js";

/**
 * Loads the tab modules ids, each with importTab(id) (the page's own `import(`./${id}.js`)`, so
 * the path resolves next to the page's code), and merges each module's words into dictionaries.
 * Resolves once all have settled: modules (id -> module) gets those that loaded, broken (id ->
 * error) the others, which are logged under `where` (the page's name) and leave the rest working.
 */
export function loadTabModules(ids, { importTab, dictionaries, modules, broken, where }) {
  return Promise.all(
    ids.map(async (id) => {
      try {
        const module = (await importTab(id)).default;
        if (!module || module.id !== id || typeof module.mount !== "function") throw new Error(`./${id}.js has no valid default export`);
        mergeDictionaries(dictionaries, module.dictionaries);
        modules.set(id, module);
      } catch (error) {
        broken.set(id, error);
        console.error(`${where}: tab ${id}:`, error);
      }
    }),
  );
}

/**
 * Wires a tab bar (nav): clicking a button[data-tab] puts its tab in location.hash (the page
 * follows hashchange); ArrowRight / ArrowLeft on a tab moves to the next / previous one shown
 * (around the ends) and selects it.
 */
export function wireTabBar(nav) {
  nav.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-tab]");
    if (button) location.hash = `#${button.dataset.tab}`;
  });
  nav.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const visible = [...nav.querySelectorAll("button[data-tab]")].filter((b) => b.offsetParent !== null);
    const index = visible.indexOf(document.activeElement);
    if (index < 0) return;
    const next = visible[(index + (event.key === "ArrowRight" ? 1 : visible.length - 1)) % visible.length];
    next.focus();
    next.click();
  });
}
