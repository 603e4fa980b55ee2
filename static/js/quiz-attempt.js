// Quiz attempt: countdown from the server's deadline, autosave of every
// answer change, and a localStorage queue so that answers made offline are
// sent again when the connection returns. Without JavaScript the form still
// posts every answer on submit.
(function () {
  "use strict";

  var form = document.getElementById("quiz-form");
  if (!form) return;

  var saveUrl = form.dataset.saveUrl;
  var storeKey = "quiz-attempt-" + form.dataset.attempt + "-pending";
  var deadline = Date.parse(form.dataset.deadline);
  // Clock skew: the server's "now" at render time against ours.
  var skew = Date.parse(form.dataset.serverNow) - Date.now();
  var status = document.getElementById("quiz-save-status");
  var timer = document.getElementById("quiz-timer");
  var announce = document.getElementById("quiz-timer-announce");
  var warning = document.getElementById("quiz-time-warning");
  var versions = {};
  var closed = false;
  var submitting = false;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Answers the server has acknowledged are kept too, until a page rendered
  // by the server shows them. A reload can race a save: the page may be
  // rendered just before the save is committed while the reply still
  // reaches the old page, which then drops the answer from the queue.
  // Without this copy the new page would show the question unanswered
  // although it is saved.
  var savedKey = "quiz-attempt-" + form.dataset.attempt + "-saved";

  function load(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "{}");
    } catch (e) {
      return {};
    }
  }

  function store(key, answers) {
    try {
      localStorage.setItem(key, JSON.stringify(answers));
    } catch (e) {
      /* storage full or disabled: the answer is still in the form */
    }
  }

  function loadPending() {
    return load(storeKey);
  }

  function storePending(pending) {
    store(storeKey, pending);
  }

  function showStatus(state) {
    status.textContent = status.dataset[state];
    status.dataset.state = state;
    status.classList.toggle("text-danger", state === "offline" || state === "unsaved");
  }

  function refreshStatus() {
    var pending = loadPending();
    if (Object.keys(pending).length === 0) showStatus("saved");
    else showStatus(navigator.onLine ? "unsaved" : "offline");
  }

  function responseOf(fieldset) {
    var type = fieldset.dataset.type;
    if (type === "single" || type === "true_false") {
      var checked = fieldset.querySelector("input[type=radio]:checked");
      return { choice: checked ? checked.value : null };
    }
    if (type === "multiple") {
      var keys = [];
      fieldset.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
        keys.push(box.value);
      });
      return { choices: keys };
    }
    if (type === "short" || type === "numerical") {
      return { text: fieldset.querySelector("input[type=text]").value };
    }
    if (type === "essay") {
      return { text: fieldset.querySelector("textarea").value };
    }
    var matches = {};
    fieldset.querySelectorAll("select").forEach(function (select) {
      if (select.value) matches[select.dataset.key] = select.value;
    });
    return { matches: matches };
  }

  function applyResponse(fieldset, response) {
    var type = fieldset.dataset.type;
    if (type === "single" || type === "true_false" || type === "multiple") {
      var picked = type === "multiple" ? response.choices || [] : [response.choice];
      fieldset.querySelectorAll("input.form-check-input").forEach(function (input) {
        input.checked = picked.indexOf(input.value) !== -1;
      });
    } else if (type === "short" || type === "numerical") {
      fieldset.querySelector("input[type=text]").value = response.text || "";
    } else if (type === "essay") {
      fieldset.querySelector("textarea").value = response.text || "";
    } else {
      fieldset.querySelectorAll("select").forEach(function (select) {
        select.value = (response.matches || {})[select.dataset.key] || "";
      });
    }
  }

  // One save request at a time: when the connection returns, the queued
  // answers go one after another (oldest question first) instead of a burst
  // of parallel requests, so each is acknowledged in order and a reconnecting
  // class does not hit the server all at once.
  var busy = false;

  function nextPending() {
    var pending = loadPending();
    var ids = Object.keys(pending);
    return ids.length ? ids[0] : null;
  }

  function send() {
    if (closed || busy) return;
    var questionId = nextPending();
    if (questionId === null) {
      refreshStatus();
      return;
    }
    var entry = loadPending()[questionId];
    busy = true;
    showStatus("saving");
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({
        question: Number(questionId),
        response: entry.response,
        version: entry.version,
      }),
    })
      .then(function (reply) {
        return reply.json().then(function (data) {
          return { ok: reply.ok, status: reply.status, data: data };
        });
      })
      .then(function (result) {
        busy = false;
        if (result.status === 409) {
          // Closed by the server (time is up), unless the learner's own
          // "Nộp bài" closed it first: then the page is already leaving.
          if (!submitting) onClosed();
          return;
        }
        var pending = loadPending();
        if (result.status === 400) {
          // Refused for good (not a question of this attempt): resending
          // cannot help, and it must not hold up the answers queued after it.
          delete pending[questionId];
          storePending(pending);
          send();
          return;
        }
        if (!result.ok) throw new Error(result.data.error || "save failed");
        var current = pending[questionId];
        if (result.data.version === entry.version) {
          // The server holds exactly this answer now.
          var saved = load(savedKey);
          saved[questionId] = entry;
          store(savedKey, saved);
        }
        // Acknowledged: drop it unless a newer change was made meanwhile.
        if (current && current.version <= result.data.version) {
          delete pending[questionId];
          storePending(pending);
        }
        versions[questionId] = Math.max(versions[questionId] || 0, result.data.version);
        refreshStatus();
        send();
      })
      .catch(function () {
        // Offline or refused: the answer stays queued for the next flush.
        busy = false;
        refreshStatus();
      });
  }

  function flush() {
    send();
  }

  // The last answer recorded for each question: leaving a text box fires
  // "change" with the text the typing already recorded, and the tap on
  // "Nộp bài" that leaves it would send it again while the attempt closes.
  var recorded = {};

  function record(fieldset) {
    if (closed) return;
    var id = fieldset.dataset.question;
    var response = responseOf(fieldset);
    var key = JSON.stringify(response);
    if (recorded[id] === key) return;
    recorded[id] = key;
    versions[id] = (versions[id] || 0) + 1;
    var pending = loadPending();
    pending[id] = { response: response, version: versions[id] };
    storePending(pending);
    showStatus("unsaved");
    send();
  }

  var typingTimers = {};
  form.querySelectorAll("fieldset.quiz-question").forEach(function (fieldset) {
    var id = fieldset.dataset.question;
    versions[id] = Number(fieldset.dataset.version) || 0;
    fieldset.addEventListener("change", function () {
      record(fieldset);
    });
    fieldset.addEventListener("input", function (event) {
      if (event.target.type !== "text" && event.target.type !== "textarea") return;
      clearTimeout(typingTimers[id]);
      typingTimers[id] = setTimeout(function () {
        record(fieldset);
      }, 600);
    });
  });

  // Answers of an earlier visit that this page does not show yet: those
  // saved (the page was rendered before their save was committed), then
  // those still unsent, which are sent again. The others are dropped.
  function putBack(answers) {
    Object.keys(answers).forEach(function (id) {
      var fieldset = form.querySelector('fieldset[data-question="' + id + '"]');
      if (!fieldset || answers[id].version <= versions[id]) {
        delete answers[id];
        return;
      }
      applyResponse(fieldset, answers[id].response);
      versions[id] = answers[id].version;
    });
    return answers;
  }
  store(savedKey, putBack(load(savedKey)));
  storePending(putBack(loadPending()));
  form.querySelectorAll("fieldset.quiz-question").forEach(function (fieldset) {
    recorded[fieldset.dataset.question] = JSON.stringify(responseOf(fieldset));
  });
  refreshStatus();
  flush();

  window.addEventListener("online", flush);
  window.addEventListener("offline", refreshStatus);
  setInterval(flush, 5000);

  function onClosed() {
    if (closed) return;
    closed = true;
    showStatus("unsaved");
    announce.textContent = form.dataset.closed;
    submitting = true;
    form.elements.time_up.value = "1";
    form.submit();
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  var announced = {};
  function warn(which, style) {
    warning.textContent = warning.dataset[which];
    warning.classList.remove("alert-warning", "alert-danger");
    warning.classList.add(style);
    warning.hidden = false;
  }

  function isAnswered(fieldset) {
    var response = responseOf(fieldset);
    if ("choice" in response) return response.choice !== null;
    if ("choices" in response) return response.choices.length > 0;
    if ("text" in response) return response.text.trim() !== "";
    return Object.keys(response.matches).length > 0;
  }

  // "Nộp bài?" names the questions still unanswered, so that a learner on a
  // phone does not hand in a page they have not scrolled to the end of.
  function confirmText() {
    var slots = [];
    form.querySelectorAll("fieldset.quiz-question").forEach(function (fieldset) {
      if (!isAnswered(fieldset)) slots.push(fieldset.dataset.slot);
    });
    if (!slots.length) return form.dataset.confirm;
    return (
      form.dataset.unanswered
        .replace("{n}", String(slots.length))
        .replace("{list}", slots.join(", ")) +
      "\n" +
      form.dataset.confirm
    );
  }
  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    timer.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(left % 60);
    if (left <= 300 && left > 60 && !announced.five) {
      announced.five = true;
      announce.textContent = announce.dataset.five;
      warn("five", "alert-warning");
    }
    if (left <= 60 && left > 0 && !announced.one) {
      announced.one = true;
      announce.textContent = announce.dataset.one;
      warn("one", "alert-danger");
    }
    timer.classList.toggle("text-danger", left <= 300);
    if (left === 0 && !submitting) {
      // Time is up: the form posts every answer; the server grades.
      submitting = true;
      form.elements.time_up.value = "1";
      form.submit();
    }
  }
  tick();
  setInterval(tick, 1000);

  form.addEventListener("submit", function (event) {
    if (submitting) return;
    if (!window.confirm(confirmText())) {
      event.preventDefault();
      return;
    }
    submitting = true;
  });
})();
