// Trainer's QR screen: fetch a fresh code from the server every slot
// (ATTENDANCE_QR_ROTATE_SECONDS, 20 s by default).
(function () {
  "use strict";
  var box = document.getElementById("qr-box");
  if (!box) return;
  var image = document.getElementById("qr-code");
  var link = document.getElementById("checkin-link");
  var counter = document.getElementById("checked-in");
  var every = Number(box.dataset.refreshMs) || 20000;

  function refresh() {
    fetch(box.dataset.frameUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        image.src = data.qr;
        link.href = data.url;
        link.dataset.checkinUrl = data.url;
        counter.textContent = data.checked_in;
      })
      .catch(function () { /* keep the current code; it stays valid a little longer */ });
  }
  // Refresh twice per slot so the code shown is never more than half a slot old.
  setInterval(refresh, Math.max(5000, every / 2));
})();
