// Copy buttons: <button data-copy-target="input-id" hidden>. Without JavaScript the button
// stays hidden and the read-only input can be selected and copied by hand.
(function () {
  "use strict";
  function copy(input, button) {
    input.select();
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () { copy(input, button); });
    input.addEventListener("focus", function () { input.select(); });
  });
})();
