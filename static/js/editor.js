// The lesson editor's enhancements: toolbar, live preview, drafts, presence, image uploads.
// The page works without this script; everything here only makes it quicker to use.

import { format, insertAt, rovingToolbar, shortcut } from "./editor-format.js";
import { post, recoverLocal, startDrafts, startPresence, startPreview } from "./editor-sync.js";

function setUpToolbar(form, textarea, onImage) {
  const toolbar = form.querySelector(".editor-toolbar");
  if (!toolbar) return;
  toolbar.hidden = false;
  rovingToolbar(toolbar);
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-md]");
    if (!button) return;
    if (button.dataset.md === "image") onImage();
    else format(textarea, button.dataset.md);
  });
  textarea.addEventListener("keydown", (event) => {
    const action = shortcut(event);
    if (!action) return;
    event.preventDefault();
    format(textarea, action);
  });
}

function setUpImages(form, textarea, status) {
  const button = form.querySelector("#upload-button");
  const file = form.querySelector("#image");
  const alt = form.querySelector("#alt");
  if (!button || !file || !alt) return () => {};
  let cursor = { start: textarea.value.length, end: textarea.value.length };
  const keep = () => {
    cursor = { start: textarea.selectionStart, end: textarea.selectionEnd };
  };
  ["keyup", "mouseup", "blur", "input"].forEach((name) => textarea.addEventListener(name, keep));

  button.addEventListener("click", async (event) => {
    event.preventDefault();
    if (!file.files.length) {
      status.textContent = "Choose an image file first.";
      file.focus();
      return;
    }
    if (!alt.value.trim()) {
      status.textContent = "Describe the image in the alt text first, for readers who cannot see it.";
      alt.focus();
      return;
    }
    const data = new FormData();
    data.append("image", file.files[0]);
    data.append("alt", alt.value);
    status.textContent = "Uploading…";
    button.disabled = true;
    try {
      const response = await post(form, form.dataset.imagesUrl, data);
      const answer = await response.json();
      if (!response.ok) {
        status.textContent = answer.message || "The image could not be added.";
        return;
      }
      insertAt(textarea, answer.snippet, { block: true, at: cursor });
      status.textContent = `Image added as ${answer.name} and inserted into the lesson text.`;
      file.value = "";
      alt.value = "";
    } catch (_) {
      status.textContent = "Not connected: the image was not uploaded. Try again when you are online.";
    } finally {
      button.disabled = false;
    }
  });
  return () => {
    file.scrollIntoView({ block: "center" });
    file.focus();
  };
}

function warnOnFirstEdit(form, presenceEl) {
  // Before the first keystroke, make sure a screen reader hears who else is editing.
  const warn = () => {
    if (!presenceEl.hidden) presenceEl.setAttribute("role", "alert");
  };
  form.addEventListener("focusin", warn, { once: true });
}

async function main() {
  const form = document.querySelector("#editor-form, #resolve-form");
  if (!form) return;
  const textarea = form.querySelector("#body, #content");
  const statusEl = form.querySelector("#draft-status");
  const drafts = startDrafts(form, statusEl);
  form.dataset.enhanced = "1";
  let typed = false;
  let submitting = false;

  const previewEl = document.querySelector("#preview");
  const preview = previewEl
    ? startPreview(form, textarea, previewEl, document.querySelector("#preview-problems"))
    : null;

  form.addEventListener("input", (event) => {
    if (submitting || event.target.type === "file") return;
    typed = true;
    drafts.markDirty();
    if (preview && event.target === textarea) preview.schedule();
  });
  form.addEventListener("submit", () => {
    // A save that reaches the server keeps the text as a draft if it fails; one that never
    // arrives leaves the copy in this browser (see drafts.stop).
    submitting = true;
    drafts.stop();
  });

  if (form.id === "editor-form") {
    const onImage = setUpImages(form, textarea, form.querySelector("#image-status"));
    setUpToolbar(form, textarea, onImage);
    const presenceEl = document.querySelector("#presence");
    warnOnFirstEdit(form, presenceEl);
    startPresence(form, {
      presenceEl,
      changedEl: document.querySelector("#head-changed"),
      isTyping: () => typed,
    });
    if (preview) preview.now();
  }
  if (await recoverLocal(form)) {
    const notice = document.querySelector("#local-recovery");
    if (notice) notice.hidden = false;
  }
}

main();
