/* Lesson page side of an H5P exercise: sizes each exercise iframe from the
 * height its content origin reports. Messages from any other origin, or
 * from a window that is not one of our iframes, are ignored. */
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.context !== "elearning-h5p" || data.action !== "resize") {
      return;
    }
    var frames = document.querySelectorAll("iframe.h5p-frame");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && frame.dataset.origin === event.origin) {
        var height = Math.max(80, Math.min(Number(data.height) || 0, 5000));
        frame.style.height = height + "px";
      }
    }
  });
})();
