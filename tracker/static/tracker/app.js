// Progressive enhancement only: every page works without this file.
"use strict";

// The language switch submits itself when a language is picked (the button stays for no-JS use).
document.addEventListener("change", (event) => {
  if (event.target.matches("#language-select")) {
    event.target.form.requestSubmit();
  }
});

// After an in-place update, move focus to the refreshed card so keyboard users keep their place.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const focusTarget = event.detail.target.querySelector("[data-focus-after-swap]");
  if (focusTarget) {
    focusTarget.focus();
  }
});
