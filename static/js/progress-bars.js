// Progress bars without inline styles (the Content-Security-Policy forbids
// them): each Bootstrap bar takes its width from its container's
// aria-valuenow. Scripts that update a bar later set style.width themselves.
(function () {
  "use strict";
  var bars = document.querySelectorAll(".progress[aria-valuenow] > .progress-bar");
  for (var i = 0; i < bars.length; i++) {
    var value = Number(bars[i].parentElement.getAttribute("aria-valuenow"));
    if (isFinite(value)) {
      bars[i].style.width = Math.max(0, Math.min(value, 100)) + "%";
    }
  }
})();
