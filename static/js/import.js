// The import page's upload shows its progress: the files are sent with XMLHttpRequest (whose
// upload reports progress; fetch does not), then the browser goes to the preview page the
// server answered with. Without JavaScript the form posts as usual.
const form = document.getElementById("import-form");
const box = document.getElementById("import-progress");
const bar = document.getElementById("import-progress-bar");
const label = document.getElementById("import-progress-label");

if (form && box && bar && label && window.XMLHttpRequest) {
  form.addEventListener("submit", (event) => {
    const data = new FormData(form);
    const chosen = data.getAll("files").filter((file) => file && file.name);
    if (chosen.length === 0) return; // let the server say what is missing
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    box.hidden = false;
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.round((progress.loaded / progress.total) * 100);
      bar.value = percent;
      label.textContent = `Uploading… ${percent}%`;
      if (progress.loaded === progress.total) {
        bar.removeAttribute("value");
        label.textContent = "Reading the lessons and preparing the preview…";
      }
    });
    request.addEventListener("load", () => {
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText); // the page again, with the reason it was refused
      document.close();
    });
    request.addEventListener("error", () => {
      label.textContent = "The upload did not reach the server. Check the connection and try again.";
      if (button) button.disabled = false;
    });
    request.send(data);
  });
}
