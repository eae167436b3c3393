// The conflict screen's enhancements: a live preview of the combined lesson as the teacher
// chooses, kept as their draft on the server. The screen works without this script (radio
// buttons, text boxes and one Save button); this only shows the result sooner.

const PREVIEW_DELAY_MS = 400;

function csrfToken(form) {
  const input = form.querySelector("input[name=csrf_token]");
  return input ? input.value : "";
}

function startPreview(form) {
  const section = document.querySelector("#resolve-preview");
  const body = document.querySelector("#resolve-preview-body");
  const problems = document.querySelector("#resolve-preview-problems");
  const status = form.querySelector("#draft-status");
  let timer = null;
  let latest = 0;

  async function refresh() {
    const asked = ++latest;
    const data = new FormData(form);
    data.set("action", "preview");
    try {
      // Not form.action: the buttons named "action" shadow that property.
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || asked !== latest) return;
      const answer = await response.json();
      body.innerHTML = answer.html; // rendered by the server's safe Markdown renderer
      problems.replaceChildren(
        ...answer.problems.map((text) => Object.assign(document.createElement("li"), { textContent: text })),
      );
      section.hidden = false;
      if (status) status.textContent = "Your choices are kept as a draft.";
    } catch (_) {
      if (status) status.textContent = "Not connected: your choices are not kept yet. Save when you are online.";
    }
  }

  let stopped = false;
  form.addEventListener("submit", () => {
    // The save keeps the draft itself; a preview answered after it must not bring one back.
    stopped = true;
    clearTimeout(timer);
  });
  return () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, PREVIEW_DELAY_MS);
  };
}

function main() {
  const form = document.querySelector("#resolve-form");
  if (!form || !document.querySelector("#resolve-preview")) return;
  const schedule = startPreview(form);
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio" && event.target.name.startsWith("choice-")) schedule();
  });
  form.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.name || !box.name.startsWith("text-")) return;
    // Typing your own version chooses it.
    const own = form.querySelector(`#choice-${box.name.slice(5)}-edit`);
    if (own) own.checked = true;
    schedule();
  });
  const button = form.querySelector("#preview-combined");
  if (button) button.hidden = true; // the preview follows the choices by itself
  form.dataset.enhanced = "1";
}

main();
