/* Runs on the H5P content origin, inside the lesson's iframe.
 * Starts the h5p-standalone player, sends every xAPI statement to the
 * server (which decides what counts) and tells the lesson page how tall the
 * exercise is. It never reaches into the parent page: the parent is another
 * origin and only hears a height through postMessage. */
(function () {
  "use strict";
  var container = document.getElementById("h5p-container");
  var options = JSON.parse(document.getElementById("h5p-options").textContent);
  var messages = JSON.parse(document.getElementById("h5p-messages").textContent);
  var status = document.getElementById("h5p-status");
  var xapiUrl = container.dataset.xapiUrl;
  var platformOrigin = container.dataset.platformOrigin;

  function send(statement, triesLeft) {
    return fetch(xapiUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(statement),
      credentials: "omit",
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) {
        throw new Error("retry");
      }
      return response.json().then(function (body) {
        if (body.success && body.outcome === "accepted") {
          status.textContent = messages.saved;
        }
        return body;
      });
    }).catch(function () {
      if (triesLeft > 0) {
        status.textContent = messages.saveFailed;
        return new Promise(function (resolve) {
          setTimeout(function () { resolve(send(statement, triesLeft - 1)); }, 3000);
        });
      }
    });
  }

  var lastHeight = 0;
  function fitPlayer() {
    // The player renders into a same-origin iframe of its own: make it as
    // tall as the content in it (H5P's .h5p-content grows with its content;
    // the frame's body is 100 % of the frame, so it cannot tell).
    var inner = container.querySelector("iframe.h5p-iframe");
    var content = inner && inner.contentDocument &&
      inner.contentDocument.querySelector(".h5p-content");
    if (!content) {
      return;
    }
    var wanted = Math.ceil(content.getBoundingClientRect().height);
    if (wanted > 0 && Math.abs(inner.getBoundingClientRect().height - wanted) > 1) {
      inner.style.height = wanted + "px";
    }
  }
  function reportHeight() {
    // The page's content height, not the viewport's: the lesson's iframe
    // must be able to shrink as well as grow.
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight && window.parent !== window) {
      lastHeight = height;
      window.parent.postMessage(
        { context: "elearning-h5p", action: "resize", height: height },
        platformOrigin
      );
    }
  }
  if (window.ResizeObserver) {
    new ResizeObserver(reportHeight).observe(document.body);
  }
  window.addEventListener("load", reportHeight);
  setInterval(function () { fitPlayer(); reportHeight(); }, 500);

  // One statement at a time, in order: a container's total is graded from
  // its parts' answers, which must reach the server first.
  var queue = Promise.resolve();
  var listening = false;
  function listen() {
    // As early as H5P's dispatcher exists: a learner can answer before the
    // player's promise settles, and a statement missed is a score lost.
    if (listening || !window.H5P || !window.H5P.externalDispatcher) {
      return;
    }
    listening = true;
    window.H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event.data.statement;
      queue = queue.then(function () { return send(statement, 3); });
    });
  }
  listen();

  new H5PStandalone.H5P(container, options).then(function () {
    listen();
    document.documentElement.dataset.h5pReady = "true";
    fitPlayer();
    reportHeight();
  }).catch(function () {
    status.textContent = messages.loadFailed;
  });
  // The player creates H5P's dispatcher while it starts: catch it then.
  var early = setInterval(function () {
    listen();
    if (listening) {
      clearInterval(early);
    }
  }, 50);
})();
