// Give a name to the admin's inputs that third-party widgets build without
// one, so that screen readers announce them: Draftail's rich text boxes
// (field and StreamField block) and the tag field's typing box. Each takes
// the label of the field it sits in; a box with no label there gets the
// translated name the script tag carries.
(function () {
  "use strict";
  const script = document.currentScript;
  const fallback = (script && script.dataset.fallbackLabel) || "";
  const UNNAMED = [
    '.Draftail-Editor [role="textbox"]',
    ".tagit input.ui-autocomplete-input",
  ]
    .map((s) => s + ":not([aria-label]):not([aria-labelledby])")
    .join(",");
  let counter = 0;

  function fieldLabel(box) {
    const field = box.closest(".w-field, .w-field__wrapper, [data-contentpath]");
    return field ? field.querySelector("label, .w-field__label") : null;
  }

  function name(root) {
    root.querySelectorAll(UNNAMED).forEach(function (box) {
      const label = fieldLabel(box);
      if (label && label.textContent.trim()) {
        if (!label.id) {
          counter += 1;
          label.id = "admin-label-" + counter;
        }
        box.setAttribute("aria-labelledby", label.id);
      } else if (fallback) {
        box.setAttribute("aria-label", fallback);
      }
    });
  }

  function start() {
    name(document);
    new MutationObserver(function () {
      name(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
