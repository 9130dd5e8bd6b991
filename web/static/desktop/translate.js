// The translator of every Branchline page (agent desktop, wallboard, supervisor): flat keys,
// {placeholders}, data-i18n attributes, the language remembered in localStorage under one key
// shared by the pages, over a page's own dictionaries (each page's i18n.js).

export const LANGUAGES = ["en", "zh"];
const STORAGE_KEY = "branchline.desktop.language";

function savedLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch {
    // Storage may be unavailable; fall back to the browser's language.
  }
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** {t, tOr, has, getLanguage, setLanguage, applyStatic} over dictionaries {en: {...}, zh: {...}}. */
export function makeI18n(dictionaries, appNameKey = "app.name") {
  let current = savedLanguage();

  const has = (key) => Object.prototype.hasOwnProperty.call(dictionaries[current], key);

  function t(key, vars) {
    let text = dictionaries[current][key];
    if (text === undefined) text = dictionaries.en[key];
    if (text === undefined) {
      console.warn(`i18n: no text for ${key}`);
      return key;
    }
    if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    return text;
  }

  const tOr = (key, fallback) => (has(key) ? t(key) : fallback);

  function applyStatic(root) {
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of root.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
    for (const node of root.querySelectorAll("[data-i18n-aria-label]")) {
      node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    }
    if (root === document) document.title = t(appNameKey);
  }

  function setLanguage(lang) {
    current = LANGUAGES.includes(lang) ? lang : "en";
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // Not remembered across reloads; the server's Me.language wins after sign-in anyway.
    }
    document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
    applyStatic(document);
    return current;
  }

  return { dictionaries, t, tOr, has, getLanguage: () => current, setLanguage, applyStatic };
}

/** Adds words ({en, zh}, e.g. a tab module's) to a page's dictionaries; the page's own keys are never replaced. */
export function mergeDictionaries(dictionaries, extra) {
  for (const lang of LANGUAGES) {
    for (const [key, text] of Object.entries(extra?.[lang] || {})) {
      if (!(key in dictionaries[lang])) dictionaries[lang][key] = text;
    }
  }
}
