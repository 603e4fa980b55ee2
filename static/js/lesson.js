// Lesson page: heartbeats tell the server how long the page was on screen
// (Page Visibility API: a tab in the background does not count) and how much
// of an uploaded video was played; mark the lesson done by POST (button, or
// on reaching the end of the lesson) once studied long enough, update the
// progress bar; knowledge checks give feedback.
(function () {
  "use strict";

  var studyStatus = document.querySelector("[data-study-status]");

  function showMissing(text) {
    if (studyStatus) studyStatus.textContent = text || "";
  }

  function markDone(form) {
    if (form.dataset.sent) return;
    form.dataset.sent = "1";
    // Pressed or reached: done as soon as the server says it was studied.
    form.dataset.wanted = "1";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.ok) {
          delete form.dataset.sent;
          showMissing(data.error);
          return;
        }
        delete form.dataset.wanted;
        stopBeats();
        showMissing("");
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

  // --- Heartbeats -----------------------------------------------------------

  var form = document.querySelector("form[data-lesson-done]");
  var beatTimer = null;
  var reportedVideo = 0;

  function videoPlayed() {
    // Seconds of the uploaded videos played: the union of each one's played
    // ranges (seeking over a part does not count it).
    var total = 0;
    document.querySelectorAll("video").forEach(function (video) {
      for (var i = 0; i < video.played.length; i++) {
        total += video.played.end(i) - video.played.start(i);
      }
    });
    return total;
  }

  function videoDuration() {
    var total = 0;
    document.querySelectorAll("video").forEach(function (video) {
      if (isFinite(video.duration)) total += video.duration;
    });
    return total;
  }

  // visible: the page was on screen since the previous beat.
  function beat(visible, leaving) {
    if (!form || !form.dataset.beatUrl) return;
    var played = videoPlayed();
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("visible", visible ? "1" : "0");
    body.append("video_watched", Math.max(0, played - reportedVideo).toFixed(1));
    body.append("video_duration", videoDuration().toFixed(1));
    reportedVideo = played;
    fetch(form.dataset.beatUrl, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      keepalive: !!leaving,
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.ok || leaving) return;
        showMissing(data.missing);
        if (data.ready && form.dataset.wanted) markDone(form);
      })
      .catch(function () {});
  }

  function stopBeats() {
    if (beatTimer) window.clearInterval(beatTimer);
    beatTimer = null;
    if (form) delete form.dataset.beatUrl;
  }

  if (form && form.dataset.beatUrl) {
    var every = 1000 * (parseInt(form.dataset.beatSeconds, 10) || 15);
    beat(document.visibilityState === "visible");  // the lesson is opened
    beatTimer = window.setInterval(function () {
      if (document.visibilityState === "visible") beat(true);
    }, every);
    document.addEventListener("visibilitychange", function () {
      // Going to the background: the stretch just ended was on screen.
      // Coming back: the stretch just ended was not.
      beat(document.visibilityState !== "visible", document.visibilityState !== "visible");
    });
    window.addEventListener("pagehide", function () {
      if (document.visibilityState === "visible") beat(true, true);
    });
  }

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
