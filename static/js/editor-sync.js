// Talking to the server while a teacher edits: live preview, drafts, presence.
// Drafts are sent every few seconds while there are unsent changes, when the tab is hidden or
// closed (fetch keepalive), and retried after a network failure. A copy also waits in this
// browser's storage until the server has it, so a crash or an offline laptop loses nothing.

const DRAFT_EVERY_MS = 3000;
const HEARTBEAT_MS = 5000;
const PREVIEW_DELAY_MS = 400;
const KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KiB

export function csrfToken(form) {
  const input = form.querySelector("input[name=csrf_token]");
  return input ? input.value : "";
}

/** POST a body with the CSRF header; resolve to the Response (or reject when offline). */
export function post(form, url, body, { keepalive = false, json = false } = {}) {
  const headers = { "X-CSRFToken": csrfToken(form), Accept: "application/json" };
  if (json) headers["Content-Type"] = "application/json";
  return fetch(url, {
    method: "POST",
    body: json ? JSON.stringify(body) : body,
    headers,
    credentials: "same-origin",
    keepalive,
  });
}

/** Return the form's text fields (no files, no buttons) as URL-encoded data. */
export function textFields(form) {
  const data = new URLSearchParams();
  for (const element of form.elements) {
    if (!element.name || element.type === "file" || element.type === "submit") continue;
    if (element.type === "button" || element.name === "action") continue;
    data.append(element.name, element.value);
  }
  return data;
}

function storageGet(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "null");
  } catch (_) {
    return null;
  }
}

function storageSet(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch (_) {
    // Storage full or disabled: the server-side draft still protects the text.
  }
}

/** Keep the form's text as a server-side draft; returns {markDirty, flush, stop}. */
export function startDrafts(form, statusEl) {
  const url = form.dataset.draftUrl;
  const key = form.dataset.storageKey;
  let revision = 0;
  let sentRevision = 0;
  let inFlight = false;
  let stopped = false;
  const show = (text) => {
    if (statusEl) statusEl.textContent = text;
  };

  const remember = () => storageSet(key, { fields: textFields(form).toString(), at: Date.now() });

  async function send({ keepalive = false } = {}) {
    if (stopped || inFlight || revision === sentRevision) return;
    const body = textFields(form);
    const sending = revision;
    const useKeepalive = keepalive && body.toString().length < KEEPALIVE_LIMIT;
    inFlight = true;
    try {
      const response = await post(form, url, body, { keepalive: useKeepalive });
      // A signed-out session answers with the sign-in page, not JSON: that is not a save.
      const answer = response.ok ? await response.json().catch(() => ({})) : {};
      if (answer.status !== "saved") throw new Error(`draft not saved (${response.status})`);
      sentRevision = sending;
      if (revision === sentRevision) storageSet(key, null);
      const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      show(`Draft saved at ${time}.`);
    } catch (_) {
      show(
        navigator.onLine === false
          ? "Not connected: your text is kept in this browser and will be saved when the connection returns."
          : "Your draft could not be saved just now; it is kept in this browser and will be tried again.",
      );
    } finally {
      inFlight = false;
    }
  }

  const timer = window.setInterval(() => send(), DRAFT_EVERY_MS);
  const onHide = () => {
    if (document.visibilityState === "hidden") send({ keepalive: true });
  };
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", () => send({ keepalive: true }));
  window.addEventListener("online", () => send());

  return {
    markDirty() {
      revision += 1;
      remember();
    },
    isDirty: () => revision !== sentRevision,
    flush: () => send(),
    stop() {
      // The local copy stays until the server has the text: if this submit fails (offline, a
      // dropped connection), the next visit to the editor recovers it. After a good save the
      // editor shows the same text, and recoverLocal() then forgets the copy.
      stopped = true;
      window.clearInterval(timer);
    },
  };
}

/** If this browser holds text the server never got, send it as the draft; return true if so. */
export async function recoverLocal(form) {
  const key = form.dataset.storageKey;
  const saved = storageGet(key);
  if (!saved || !saved.fields) return false;
  const current = textFields(form);
  const stored = new URLSearchParams(saved.fields);
  const differs = [...stored.keys()].some(
    (name) => !["csrf_token", "base_commit"].includes(name) && (stored.get(name) || "") !== (current.get(name) || ""),
  );
  if (!differs) {
    storageSet(key, null);
    return false;
  }
  stored.set("csrf_token", current.get("csrf_token") || "");
  try {
    const response = await post(form, form.dataset.draftUrl, stored);
    if (!response.ok) return false;
  } catch (_) {
    return false; // still offline: keep it for the next visit
  }
  storageSet(key, null);
  return true;
}

/** Render the preview of the textarea on the server, at most every PREVIEW_DELAY_MS. */
export function startPreview(form, textarea, target, problemsEl) {
  let timer = null;
  let sequence = 0;
  async function render() {
    const mine = ++sequence;
    const body = new URLSearchParams();
    body.set("mode", form.dataset.mode || "fields");
    body.set(textarea.name, textarea.value);
    target.setAttribute("aria-busy", "true");
    try {
      const response = await post(form, form.dataset.previewUrl, body);
      if (!response.ok || mine !== sequence) return;
      const data = await response.json();
      target.innerHTML = data.html; // rendered by the server with raw HTML disabled
      if (problemsEl) {
        problemsEl.replaceChildren(
          ...data.problems.map((text) => Object.assign(document.createElement("li"), { textContent: text })),
        );
        problemsEl.hidden = data.problems.length === 0;
      }
    } catch (_) {
      // Offline: the preview catches up with the next change.
    } finally {
      if (mine === sequence) target.setAttribute("aria-busy", "false");
    }
  }
  return {
    schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, PREVIEW_DELAY_MS);
    },
    now: render,
  };
}

/** Report presence every few seconds; show who else is here and whether the lesson changed. */
export function startPresence(form, { presenceEl, changedEl, isTyping }) {
  const base = () => (form.querySelector("input[name=base_commit]") || {}).value || "";
  let stopped = false;
  async function beat() {
    if (stopped || document.visibilityState === "hidden") return;
    try {
      const response = await post(
        form,
        form.dataset.presenceUrl,
        { base_commit: base(), typing: isTyping(), names: changedEl.hidden },
        { json: true },
      );
      if (!response.ok) return;
      const data = await response.json();
      const names = data.present.map((person) => person.name);
      if (names.length) {
        const verb = names.length === 1 ? "is" : "are";
        presenceEl.textContent = `${names.join(", ")} ${verb} also editing this lesson; your saves will merge.`;
      }
      presenceEl.hidden = names.length === 0;
      if (data.changed && changedEl.hidden) {
        const by = changedEl.querySelector("[data-changed-by]");
        if (by && data.changed_by.length) by.textContent = ` (saved by ${data.changed_by.join(", ")})`;
        changedEl.hidden = false;
      }
    } catch (_) {
      // Offline: try again on the next beat.
    }
  }
  beat();
  const timer = window.setInterval(beat, HEARTBEAT_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") beat();
  });
  window.addEventListener("pagehide", () => {
    stopped = true;
    post(form, form.dataset.leaveUrl, new URLSearchParams(), { keepalive: true }).catch(() => {});
  });
  window.addEventListener("pageshow", (event) => {
    // Back from the browser's back/forward cache: the page is open again, so say so.
    if (event.persisted) {
      stopped = false;
      beat();
    }
  });
  return {
    stop() {
      stopped = true;
      window.clearInterval(timer);
    },
    beat,
  };
}
