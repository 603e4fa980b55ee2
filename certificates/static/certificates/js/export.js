// Poll a ZIP export's progress until it is done or failed.
(function () {
  "use strict";
  var root = document.getElementById("export");
  if (!root) return;
  var messages = JSON.parse(document.getElementById("export-messages").textContent);
  var bar = root.querySelector("[data-bar]");
  var text = root.querySelector("[data-text]");
  var link = root.querySelector("[data-download]");
  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.percent);
        if (data.status === "done") {
          text.textContent = messages.done;
          link.classList.remove("d-none");
        } else if (data.status === "failed") {
          text.textContent = messages.failed;
        } else {
          text.textContent = messages.running + " " + data.done + "/" + data.total;
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (!link.classList.contains("d-none")) return;
  window.setTimeout(poll, 1000);
})();
