// Trainer's roster: one tap per status. Changes are kept in localStorage
// until the server has them, so a poor connection loses nothing; the server
// endpoint is idempotent, so resending is safe.
(function () {
  "use strict";
  var root = document.getElementById("roster");
  if (!root) return;
  var saveUrl = root.dataset.saveUrl;
  var key = root.dataset.queueKey;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = document.getElementById("sync-state");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function store(queue) {
    try { localStorage.setItem(key, JSON.stringify(queue)); } catch (e) { /* private mode */ }
  }
  var queue = load();

  function item(learner) {
    return document.querySelector('.roster-list li[data-learner="' + learner + '"]');
  }
  function show(li, status) {
    li.dataset.status = status;
    li.querySelectorAll(".status-btn").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.value === status ? "true" : "false");
    });
  }
  function paint() {
    var pending = Object.keys(queue).length;
    document.querySelectorAll(".roster-list li[data-learner]").forEach(function (li) {
      li.classList.toggle("pending", Object.prototype.hasOwnProperty.call(queue, li.dataset.learner));
    });
    if (!pending) state.textContent = state.dataset.saved;
    else state.textContent = (navigator.onLine ? state.dataset.pending : state.dataset.offline) + " (" + pending + ")";
  }
  function enqueue(learner, change) {
    var entry = queue[learner] || {};
    Object.keys(change).forEach(function (k) { entry[k] = change[k]; });
    if (!entry.status) entry.status = item(learner).dataset.status;
    entry.learner = Number(learner);
    entry.v = (entry.v || 0) + 1;
    queue[learner] = entry;
    store(queue);
    paint();
    flush();
  }
  function flush() {
    if (sending) return;
    var marks = Object.keys(queue).map(function (k) { return queue[k]; })
      .filter(function (m) { return m.status; });
    if (!marks.length) return paint();
    sending = true;
    var sent = marks.map(function (m) { return [String(m.learner), m.v]; });
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ marks: marks })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function () {
      // Drop only what did not change again while the request was out.
      queue = load();
      sent.forEach(function (pair) {
        if (queue[pair[0]] && queue[pair[0]].v === pair[1]) delete queue[pair[0]];
      });
      store(queue);
    }).catch(function () { /* kept in the queue; retried below */ })
      .then(function () { sending = false; paint(); });
  }

  // Show what is still waiting from an earlier visit.
  Object.keys(queue).forEach(function (learner) {
    var li = item(learner);
    if (!li) { delete queue[learner]; return; }
    if (queue[learner].status) show(li, queue[learner].status);
    if (typeof queue[learner].note === "string") {
      var input = li.querySelector(".note-input");
      if (input) input.value = queue[learner].note;
    }
  });
  store(queue);

  document.querySelectorAll(".roster-list li[data-learner]").forEach(function (li) {
    li.querySelectorAll(".status-btn").forEach(function (button) {
      button.addEventListener("click", function () {
        show(li, button.dataset.value);
        enqueue(li.dataset.learner, { status: button.dataset.value });
      });
    });
    var note = li.querySelector(".note-input");
    if (note) {
      note.addEventListener("change", function () {
        if (!li.dataset.status) show(li, "present");
        enqueue(li.dataset.learner, { note: note.value, status: li.dataset.status });
      });
    }
  });
  var allPresent = document.getElementById("all-present");
  // Not there before the session begins (only a leave of absence then).
  if (allPresent) allPresent.addEventListener("click", function () {
    document.querySelectorAll(".roster-list li[data-learner]").forEach(function (li) {
      if (!li.dataset.status) {
        show(li, "present");
        enqueue(li.dataset.learner, { status: "present" });
      }
    });
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", paint);
  setInterval(flush, 10000);
  paint();
  flush();
})();
