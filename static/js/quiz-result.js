// The attempt is graded: answers queued or kept for it in this browser are
// obsolete.
(function () {
  "use strict";
  var heading = document.getElementById("quiz-result");
  if (!heading) return;
  var prefix = "quiz-attempt-" + heading.dataset.attempt;
  try {
    localStorage.removeItem(prefix + "-pending");
    localStorage.removeItem(prefix + "-saved");
  } catch (e) {
    /* storage disabled */
  }
})();
