// Lesson page: mark the lesson done by POST (button, or on reaching the end
// of the lesson), update the progress bar; knowledge checks give feedback.
(function () {
  "use strict";

  function markDone(form) {
    if (form.dataset.sent) return;
    form.dataset.sent = "1";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.ok) { delete form.dataset.sent; return; }
        var status = form.querySelector("[data-done-status]");
        if (status) status.textContent = "✓ " + form.dataset.doneText;
        var button = form.querySelector("button");
        if (button) button.remove();
        var bar = document.querySelector("[data-course-progress]");
        if (bar) {
          bar.setAttribute("aria-valuenow", String(data.percent));
          bar.firstElementChild.style.width = data.percent + "%";
        }
        var text = document.querySelector("[data-course-progress-text]");
        if (text) {
          text.textContent = form.dataset.progressTemplate
            .replace("%(done)s", data.done).replace("%(total)s", data.total);
        }
      })
      .catch(function () { delete form.dataset.sent; });
  }

  var form = document.querySelector("form[data-lesson-done]");
  if (form && form.querySelector("button")) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      markDone(form);
    });
    var end = document.querySelector("[data-lesson-end]");
    if (end && "IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.disconnect();
            markDone(form);
          }
        });
      }, { threshold: 1.0 });
      // Only once the learner has scrolled: a short lesson that fits on the
      // screen still needs the button or a scroll.
      window.addEventListener("scroll", function () { observer.observe(end); }, { once: true, passive: true });
    }
  }

  document.querySelectorAll("[data-knowledge-check]").forEach(function (box) {
    var out = box.querySelector("[data-feedback-for]");
    box.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.matches("input[type=radio]")) return;
      var right = input.dataset.correct === "1";
      out.className = "mt-2 mb-0 " + (right ? "text-success" : "text-danger");
      out.textContent = (right ? box.dataset.right : box.dataset.wrong) + " " + (input.dataset.feedback || "");
    });
  });
})();
