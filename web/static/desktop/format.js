// Small formatting helpers: durations, dates and times for the agent desktop.

const pad = (n) => String(n).padStart(2, "0");

/** Milliseconds since the epoch for an ISO-8601 string, or NaN (no offset in the string = local time). */
export function parseTime(iso) {
  if (typeof iso !== "string" || iso === "") return NaN;
  return Date.parse(iso);
}

/** 75 -> "01:15", 3725 -> "1:02:05"; negative counts as 0; not a number -> "—". */
export function fmtDuration(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "—";
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** "2024-05-06 14:30" in the browser's local time; only "14:30" when timeOnlyToday and it is today. */
export function fmtDateTime(iso, { timeOnlyToday = false, now = Date.now() } = {}) {
  const ms = parseTime(iso);
  if (!Number.isFinite(ms)) return "—";
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (timeOnlyToday) {
    const today = new Date(now);
    if (d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()) {
      return time;
    }
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** A day in local time as YYYY-MM-DD (today by default). */
export function localDay(ms = Date.now()) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The value format of <input type="datetime-local">: "2024-05-06T14:30". */
export function toLocalInputValue(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value with seconds, as ISO-8601 local time: "2024-05-06T14:30" -> "2024-05-06T14:30:00". */
export function localInputToIso(value) {
  if (!value) return null;
  return /T\d\d:\d\d$/.test(value) ? `${value}:00` : value;
}

export function fmtPercent(fraction, lang) {
  if (typeof fraction !== "number" || !Number.isFinite(fraction)) return null;
  return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", { style: "percent", maximumFractionDigits: 0 }).format(fraction);
}

export function fmtNumber(value, digits, lang) {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}
