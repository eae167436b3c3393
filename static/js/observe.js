// The observation form's lesson clock: "Start the lesson clock" when the lesson begins, and
// the minute field follows it (the observer can still type a minute). The start is kept in
// this browser per teaching, so a reload or a locked phone does not lose it. Without this
// script the minute is typed.

function minutesSince(start) {
  return Math.max(0, Math.floor((Date.now() - start) / 60000));
}

function main() {
  const form = document.querySelector(".observe-form");
  const minute = form && form.querySelector("input[name=minute]");
  if (!form || !minute) return;
  const key = `lesson-clock:${form.getAttribute("action")}`;
  const bar = document.createElement("p");
  bar.className = "lesson-clock";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button--secondary button--small";
  const shown = document.createElement("span");
  shown.setAttribute("role", "status");
  shown.className = "lesson-clock__time";
  bar.append(button, " ", shown);
  form.prepend(bar);
  let typed = false;
  minute.addEventListener("input", () => {
    typed = minute.value !== "";
  });

  function tick() {
    const start = Number(window.localStorage.getItem(key) || 0);
    if (!start) {
      button.textContent = "Start the lesson clock";
      shown.textContent = "";
      return;
    }
    const now = minutesSince(start);
    button.textContent = "Restart the clock";
    shown.textContent = `Lesson minute ${now}`;
    if (!typed) minute.value = String(now);
  }

  button.addEventListener("click", () => {
    window.localStorage.setItem(key, String(Date.now()));
    typed = false;
    tick();
  });
  form.addEventListener("submit", () => {
    typed = false;
  });
  tick();
  window.setInterval(tick, 15000);
  focusChart(form);
}

// The focal students and parts of the lesson as buttons to tap before typing the note.
function focusChart(form) {
  const focus = form.querySelector("input[name=focus]");
  const labels = [...document.querySelectorAll("#focus-labels option")].map((o) => o.value);
  if (!focus || !labels.length) return;
  const chart = document.createElement("div");
  chart.className = "focus-chart";
  chart.setAttribute("role", "group");
  chart.setAttribute("aria-label", "Focal students and parts of the lesson");
  for (const label of labels) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button--secondary button--small";
    button.textContent = label;
    button.setAttribute("aria-pressed", String(focus.value === label));
    button.addEventListener("click", () => {
      focus.value = label;
      for (const other of chart.querySelectorAll("button")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      form.querySelector("textarea[name=body]")?.focus();
    });
    chart.append(button);
  }
  focus.closest(".field").after(chart);
}

main();
