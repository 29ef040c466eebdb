// One-click copy of a precedent's wording (the agreed-language search, "Wording over time").
// Each button carries the exact text in data-copy-text; the buttons stay hidden until this
// script runs, since without it they could do nothing.
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("button.copy-button[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function say(button, label) {
    if (!button.dataset.label) {
      button.dataset.label = button.textContent;
    }
    button.textContent = label;
    window.clearTimeout(Number(button.dataset.timer || 0));
    button.dataset.timer = String(window.setTimeout(function () {
      button.textContent = button.dataset.label;
    }, 2000));
  }

  // Without the clipboard API (an insecure origin, an older browser): copy from a hidden text
  // area; if even that is refused, select the sentence so that Ctrl+C copies it.
  function fallback(button, text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-scratch";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    if (copied) {
      say(button, button.dataset.copiedLabel);
      return;
    }
    var item = button.closest("li");
    var source = item && item.querySelector("[data-copy-source]");
    if (source) {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    say(button, button.dataset.failedLabel);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy-button");
    if (!button) {
      return;
    }
    var text = button.dataset.copyText || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(button, button.dataset.copiedLabel); },
        function () { fallback(button, text); }
      );
    } else {
      fallback(button, text);
    }
  });

  // Buttons that htmx swaps in later (the search results, the lazily loaded wording).
  document.addEventListener("htmx:load", function (event) {
    reveal(event.target);
  });
  reveal(document);
})();
