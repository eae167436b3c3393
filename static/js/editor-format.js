// Markdown formatting for the lesson editor's toolbar and keyboard shortcuts.
// Each action edits the textarea's selection; edits go through insertText where the browser
// supports it, so Ctrl+Z undoes them like typing.

const SECTION_NAMES = {
  objectives: "Students will be able to…",
  "anticipated-responses": "Students might say…",
  "teacher-notes": "Notes for the teacher…",
};

/** Replace the selection (start..end) with text, then select selStart..selEnd inside it. */
export function replaceRange(textarea, start, end, text, selStart, selEnd) {
  textarea.focus();
  textarea.setSelectionRange(start, end);
  let done = false;
  try {
    done = document.execCommand("insertText", false, text);
  } catch (_) {
    done = false;
  }
  if (!done || textarea.value.slice(start, start + text.length) !== text) {
    textarea.setRangeText(text, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  const base = start;
  textarea.setSelectionRange(base + (selStart ?? text.length), base + (selEnd ?? text.length));
}

/** Insert text at the cursor (or over the selection), on its own line when `block`. */
export function insertAt(textarea, text, { block = false, at = null } = {}) {
  const start = at ? at.start : textarea.selectionStart;
  const end = at ? at.end : textarea.selectionEnd;
  let insert = text;
  if (block) {
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    if (before && !before.endsWith("\n\n")) insert = (before.endsWith("\n") ? "\n" : "\n\n") + insert;
    if (!after.startsWith("\n")) insert += "\n";
  }
  replaceRange(textarea, start, end, insert);
}

function wrap(textarea, marker, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const selected = value.slice(start, end) || placeholder;
  const text = marker + selected + marker;
  replaceRange(textarea, start, end, text, marker.length, marker.length + selected.length);
}

function lineBounds(textarea) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const lineStart = value.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = value.indexOf("\n", end > start && value[end - 1] === "\n" ? end - 1 : end);
  if (lineEnd === -1) lineEnd = value.length;
  return [lineStart, lineEnd];
}

function prefixLines(textarea, makePrefix, strip) {
  const [start, end] = lineBounds(textarea);
  const lines = textarea.value.slice(start, end).split("\n");
  const text = lines.map((line, i) => makePrefix(i) + line.replace(strip, "")).join("\n");
  replaceRange(textarea, start, end, text);
}

function heading(textarea, level) {
  prefixLines(textarea, () => "#".repeat(level) + " ", /^#{1,6}\s+/);
}

function link(textarea) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const label = value.slice(start, end) || "link text";
  const text = `[${label}](https://)`;
  const urlStart = label.length + 3;
  replaceRange(textarea, start, end, text, urlStart, urlStart + 8);
}

function section(textarea, name) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const inner = value.slice(start, end).replace(/\n+$/, "") || SECTION_NAMES[name];
  const before = value.slice(0, start);
  const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const text = `${lead}::: ${name}\n${inner}\n:::\n`;
  const innerStart = lead.length + name.length + 5;
  replaceRange(textarea, start, end, text, innerStart, innerStart + inner.length);
}

/** Apply one toolbar action ("bold", "h2", "objectives"...) to the textarea. */
export function format(textarea, action) {
  switch (action) {
    case "bold":
      return wrap(textarea, "**", "bold text");
    case "italic":
      return wrap(textarea, "_", "italic text");
    case "h2":
      return heading(textarea, 2);
    case "h3":
      return heading(textarea, 3);
    case "ul":
      return prefixLines(textarea, () => "- ", /^(\s*)([-*+]|\d+[.)])\s+/);
    case "ol":
      return prefixLines(textarea, (i) => `${i + 1}. `, /^(\s*)([-*+]|\d+[.)])\s+/);
    case "link":
      return link(textarea);
    default:
      if (action in SECTION_NAMES) return section(textarea, action);
  }
  return undefined;
}

/** Return the toolbar action for a keyboard shortcut, or null. */
export function shortcut(event) {
  if (!(event.ctrlKey || event.metaKey)) return null;
  const key = event.key.toLowerCase();
  if (event.altKey && (key === "2" || key === "3")) return `h${key}`;
  if (event.altKey || event.shiftKey) return null;
  return { b: "bold", i: "italic", k: "link" }[key] || null;
}

/** Make a toolbar keyboard-friendly: one tab stop, arrow keys move between buttons. */
export function rovingToolbar(toolbar) {
  const buttons = [...toolbar.querySelectorAll("button")];
  buttons.forEach((button, i) => button.setAttribute("tabindex", i === 0 ? "0" : "-1"));
  toolbar.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % buttons.length;
    if (event.key === "ArrowLeft") next = (index - 1 + buttons.length) % buttons.length;
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    buttons[index].setAttribute("tabindex", "-1");
    buttons[next].setAttribute("tabindex", "0");
    buttons[next].focus();
  });
}
