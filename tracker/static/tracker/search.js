// The header's search box (templates/tracker/search/_box.html): "/" or Ctrl-K (Cmd-K) comes to
// it unless the user is typing in a field; arrow keys move through the dropdown htmx fills as
// they type, Enter opens the chosen result, Escape closes the dropdown. Without this file the
// box is a plain form to the results page.
"use strict";

(() => {
  const box = () => document.getElementById("global-search");
  const dropdown = () => document.getElementById("global-search-results");
  const options = () => Array.from(dropdown().querySelectorAll('[role="option"]'));
  let active = -1;

  function isTyping(target) {
    return Boolean(
      target instanceof Element &&
        (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]")),
    );
  }

  function choose(index) {
    const list = options();
    active = list.length ? index : -1;
    list.forEach((option, i) => {
      const chosen = i === active;
      option.classList.toggle("is-active", chosen);
      option.setAttribute("aria-selected", chosen ? "true" : "false");
    });
    if (active >= 0) {
      box().setAttribute("aria-activedescendant", list[active].id);
      list[active].scrollIntoView({ block: "nearest" });
    } else {
      box().removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    dropdown().replaceChildren();
    box().setAttribute("aria-expanded", "false");
    choose(-1);
  }

  function onBoxKey(event) {
    const list = options();
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      choose((active + 1) % list.length);
    } else if (event.key === "ArrowUp" && list.length) {
      event.preventDefault();
      choose(active <= 0 ? list.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && list[active]) {
      // The chosen result, not the form's results page.
      event.preventDefault();
      window.location.assign(list[active].href);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (dropdown().childElementCount) {
        close();
      } else {
        box().blur();
      }
    }
  }

  document.addEventListener("keydown", (event) => {
    const input = box();
    if (!input) {
      return;
    }
    if (event.target === input) {
      onBoxKey(event);
      return;
    }
    const commandK =
      (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k";
    const slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey;
    // Not while typing in a field, nor behind a dialog (the keyboard shortcuts' list).
    if ((commandK || slash) && !isTyping(event.target) && !document.querySelector("dialog[open]")) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === dropdown()) {
      box().setAttribute("aria-expanded", options().length ? "true" : "false");
      choose(-1);
    }
  });

  // A click anywhere else closes the dropdown; a click on a result follows its link.
  document.addEventListener("click", (event) => {
    if (box() && !event.target.closest(".global-search")) {
      close();
    }
  });
})();
