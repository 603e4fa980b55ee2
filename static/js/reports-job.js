// Polls a report job until its file is ready, then shows the download link.
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box) {
    return;
  }
  var bar = box.querySelector("[data-progress-bar]");
  var status = box.querySelector("[data-status]");
  var link = box.querySelector("[data-download]");
  var progress = box.querySelector("[role=progressbar]");

  function show(state) {
    bar.style.width = state.progress + "%";
    bar.textContent = state.progress + " %";
    progress.setAttribute("aria-valuenow", String(state.progress));
    status.textContent = state.status_label;
    if (state.download) {
      link.href = state.download;
      link.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (state.status === "pending" || state.status === "running") {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  bar.style.width = (progress.getAttribute("aria-valuenow") || "0") + "%";
  poll();
})();
