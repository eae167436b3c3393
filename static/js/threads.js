// Review threads on the lesson page, enhanced: each thread is marked beside the lines it is
// about (on a phone, folded in below them), selecting text in the lesson offers to open a
// thread on its lines, and "@" in a comment box suggests the network's members. Without this
// script the page lists the threads beside the lesson and the form takes line numbers.

const NARROW = window.matchMedia("(max-width: 48rem)");

function blocks(lesson) {
  return [...lesson.querySelectorAll("[data-line]")].map((el) => ({
    el,
    start: Number(el.dataset.line),
    end: Number(el.dataset.endLine || el.dataset.line),
  }));
}

function blockFor(all, start, end) {
  return all.find((b) => b.start <= end && b.end >= start) || null;
}

function placeThreads(lesson, panel) {
  const all = blocks(lesson);
  const byBlock = new Map();
  for (const card of panel.querySelectorAll(".thread[data-start]")) {
    if (card.closest(".threads-resolved")) continue;
    const found = blockFor(all, Number(card.dataset.start), Number(card.dataset.end));
    if (!found) continue;
    if (!byBlock.has(found.el)) byBlock.set(found.el, []);
    byBlock.get(found.el).push(card);
  }
  for (const [el, cards] of byBlock) {
    el.classList.add("has-threads");
    const label = `${cards.length} thread${cards.length === 1 ? "" : "s"} on these lines`;
    if (NARROW.matches) {
      // On a phone: the threads fold in below the paragraph they are about.
      const fold = document.createElement("details");
      fold.className = "thread-inline";
      const summary = document.createElement("summary");
      summary.textContent = label;
      fold.append(summary, ...cards);
      el.after(fold);
    } else {
      const marker = document.createElement("a");
      marker.className = "thread-marker badge";
      marker.href = `#${cards[0].id}`;
      marker.textContent = label;
      el.before(marker);
    }
  }
}

function offerSelection(lesson) {
  const form = document.querySelector("#new-thread");
  if (!form) return;
  const fold = form.closest("details");
  const start = form.querySelector("[name=start_line]");
  const end = form.querySelector("[name=end_line]");
  const body = form.querySelector("[name=body]");
  const offer = document.createElement("button");
  offer.type = "button";
  offer.className = "thread-offer button--small";
  offer.hidden = true;
  document.body.append(offer);
  let chosen = null;

  function update() {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      offer.hidden = true;
      return;
    }
    const range = selection.getRangeAt(0);
    const first = (range.startContainer.parentElement || range.startContainer).closest?.("[data-line]");
    const last = (range.endContainer.parentElement || range.endContainer).closest?.("[data-line]");
    if (!first || !last || !lesson.contains(first) || !lesson.contains(last)) {
      offer.hidden = true;
      return;
    }
    chosen = {
      start: Math.min(Number(first.dataset.line), Number(last.dataset.line)),
      end: Math.max(Number(first.dataset.endLine), Number(last.dataset.endLine)),
    };
    offer.textContent =
      chosen.start === chosen.end
        ? `Comment on line ${chosen.start}`
        : `Comment on lines ${chosen.start}–${chosen.end}`;
    const box = range.getBoundingClientRect();
    offer.style.top = `${window.scrollY + box.bottom + 6}px`;
    offer.style.left = `${window.scrollX + box.left}px`;
    offer.hidden = false;
  }

  document.addEventListener("selectionchange", () => window.requestAnimationFrame(update));
  offer.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  offer.addEventListener("click", () => {
    if (!chosen) return;
    start.value = String(chosen.start);
    end.value = String(chosen.end);
    if (fold) fold.open = true;
    offer.hidden = true;
    body.focus();
  });
}

function suggestMembers(members) {
  const names = Object.entries(members).sort((a, b) => a[1].localeCompare(b[1]));
  for (const box of document.querySelectorAll("textarea[data-mentions]")) {
    const list = document.createElement("ul");
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.id = `${box.id}-mentions`;
    list.hidden = true;
    box.after(list);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    let active = 0;
    let word = null;

    function typed() {
      const before = box.value.slice(0, box.selectionStart);
      const match = /(^|[\s(])@([\w.-]*)$/.exec(before);
      return match ? { at: before.length - match[2].length, text: match[2].toLowerCase() } : null;
    }
    function show() {
      word = typed();
      const found = word
        ? names.filter(([u, n]) => u.startsWith(word.text) || n.toLowerCase().includes(word.text)).slice(0, 6)
        : [];
      list.replaceChildren(
        ...found.map(([username, name], index) => {
          const item = document.createElement("li");
          item.setAttribute("role", "option");
          item.id = `${list.id}-${index}`;
          item.dataset.username = username;
          item.textContent = `${name} (@${username})`;
          item.setAttribute("aria-selected", String(index === active));
          item.addEventListener("mousedown", (event) => {
            event.preventDefault();
            choose(username);
          });
          return item;
        }),
      );
      list.hidden = found.length === 0;
      box.setAttribute("aria-expanded", String(!list.hidden));
      if (!list.hidden) box.setAttribute("aria-activedescendant", `${list.id}-${active}`);
      else box.removeAttribute("aria-activedescendant");
    }
    function choose(username) {
      if (!word) return;
      const rest = box.value.slice(box.selectionStart);
      box.value = `${box.value.slice(0, word.at)}${username} ${rest}`;
      const caret = word.at + username.length + 1;
      box.setSelectionRange(caret, caret);
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
    }
    box.addEventListener("input", () => {
      active = 0;
      show();
    });
    box.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      const items = list.querySelectorAll("[role=option]");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        show();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(items[active].dataset.username);
      } else if (event.key === "Escape") {
        list.hidden = true;
      }
    });
    box.addEventListener("blur", () => {
      list.hidden = true;
    });
  }
}

function main() {
  const lesson = document.querySelector("article.lesson");
  const panel = document.querySelector(".threads-panel");
  if (lesson && panel) placeThreads(lesson, panel);
  if (lesson) offerSelection(lesson);
  const data = document.querySelector("#member-names");
  if (data) suggestMembers(JSON.parse(data.textContent || "{}"));
}

main();
