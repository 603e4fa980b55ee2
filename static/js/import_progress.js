// Import job page: poll the job's status until it finishes, then reload.
(function () {
  "use strict";
  var bar = document.querySelector("[data-import-progress]");
  if (!bar) return;
  var count = document.querySelector("[data-import-count]");
  var status = document.querySelector("[data-import-status]");
  function poll() {
    fetch(bar.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.setAttribute("aria-valuenow", String(data.percent));
        bar.firstElementChild.style.width = data.percent + "%";
        count.textContent = data.processed + "/" + data.total;
        status.textContent = data.status_label;
        if (data.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
