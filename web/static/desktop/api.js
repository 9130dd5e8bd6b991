// Talking to the appliance: JSON requests with the CSRF header, and the live Desktop WebSocket.

export class ApiError extends Error {
  constructor(status, body, fallbackMessage) {
    const message = body && typeof body.message === "string" && body.message ? body.message : fallbackMessage;
    super(message);
    this.status = status;
    this.error = body && typeof body.error === "string" ? body.error : null;
    this.details = body && typeof body.details === "object" ? body.details : null;
    // True when the server itself explained the problem (an API error body), not a proxy or a missing route.
    this.fromServer = Boolean(body && typeof body.message === "string" && body.message);
  }
}

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/**
 * One API call. Resolves to the parsed JSON body (null for 204); rejects with ApiError.
 * messages: {network: text, http: (status) => text} for when the server gives no message.
 */
export async function api(method, path, body, messages) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, messages.network);
  }
  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data, messages.http(response.status));
  return data;
}

/** A page's `call(method, path, body)`: api() with its fallback messages in the page's language (t). */
export function callerWith(t) {
  const messages = {
    get network() {
      return t("error.network");
    },
    http: (status) => t("error.http", { status }),
  };
  return (method, path, body) => api(method, path, body, messages);
}

/** `/api/v1/x?` with the non-empty values of params (trimmed); the path alone when there are none. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && String(value).trim() !== "") query.set(key, String(value).trim());
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 5000];

/**
 * The live Desktop stream: every message is the whole Desktop. Reconnects with backoff
 * (0.5 s, 1 s, 2 s, 4 s, then every 5 s); close code 4401 means the session is gone.
 */
export class LiveConnection {
  constructor(path, { onDesktop, onStatus, onUnauthorized, onTrouble }) {
    this.path = path;
    this.onDesktop = onDesktop;
    this.onStatus = onStatus;
    this.onUnauthorized = onUnauthorized;
    this.onTrouble = onTrouble;
    this.ws = null;
    this.wanted = false;
    this.failures = 0;
    this.timer = null;
  }

  start() {
    this.wanted = true;
    this.failures = 0;
    if (!this.ws) this.open();
  }

  stop() {
    this.wanted = false;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onmessage = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // Already closing.
      }
    }
    this.onStatus("idle");
  }

  open() {
    this.timer = null;
    if (!this.wanted) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}${this.path}`);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let desktop;
      try {
        desktop = JSON.parse(event.data);
      } catch {
        return;
      }
      this.failures = 0;
      this.onStatus("live");
      this.onDesktop(desktop);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.wanted) return;
      if (event.code === 4401) {
        this.wanted = false;
        this.onStatus("idle");
        this.onUnauthorized();
        return;
      }
      this.retry();
    };
  }

  retry() {
    this.onStatus("reconnecting");
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    this.failures += 1;
    // A handshake refused with HTTP 401 looks like any other failed connection: ask now and then.
    if (this.failures % 3 === 0) this.onTrouble();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }
}
