// Progressive enhancement only: every page works without this file.
"use strict";

// The language switch submits itself when a language is picked (the button stays for no-JS use).
document.addEventListener("change", (event) => {
  if (event.target.matches("#language-select")) {
    event.target.form.requestSubmit();
  }
});

// Typing in "Find a meeting" changes which meetings the select offers, not the list: its change
// must not reach the filter form, which would reload the table for nothing.
document.addEventListener(
  "change",
  (event) => {
    if (event.target.matches("[data-option-finder]")) {
      event.stopPropagation();
    }
  },
  true,
);

// Django gives a new CSRF token at every log-in. After the user has logged in again in another
// tab (the session-ended alert asks for that), the token this page was served with is refused:
// send the cookie's current one instead. Without a readable cookie the page's token stays.
function currentCsrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

document.addEventListener("htmx:configRequest", (event) => {
  const token = currentCsrfToken();
  if (!token) {
    return;
  }
  event.detail.headers["X-CSRFToken"] = token;
  const formData = event.detail.formData;
  if (formData && formData.has("csrfmiddlewaretoken")) {
    formData.set("csrfmiddlewaretoken", token);
  }
});

// A new request clears the session-ended alert; the answer puts it back if it still applies.
const sessionAlert = () => document.getElementById("session-alert");

document.addEventListener("htmx:beforeRequest", () => {
  const alert = sessionAlert();
  if (alert) {
    alert.replaceChildren();
  }
});

// After logging in again in the other tab, the user comes back to where they pressed Save.
let returnFocusTo = null;

document.addEventListener("click", (event) => {
  if (event.target.closest("#session-alert a")) {
    window.addEventListener(
      "focus",
      () => {
        if (returnFocusTo && returnFocusTo.isConnected) {
          returnFocusTo.focus();
        }
        returnFocusTo = null;
      },
      { once: true },
    );
  }
});

// Filter forms marked data-follows-address show what the address says. The address changes
// without them when a column heading or a page link is followed, or on Back and Forward (htmx
// restores a snapshot whose fields show what they held when the page was loaded).
function syncFiltersWithAddress() {
  const params = new URLSearchParams(window.location.search);
  for (const form of document.querySelectorAll("form[data-follows-address]")) {
    for (const field of form.elements) {
      if (!field.name || ["submit", "button", "reset"].includes(field.type)) {
        continue;
      }
      const values = params.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.includes(field.value);
      } else if (field.type === "select-multiple") {
        for (const option of field.options) {
          option.selected = values.includes(option.value);
        }
      } else if (field.type === "select-one") {
        field.value = values.length ? values[0] : "";
        if (field.selectedIndex === -1) {
          // Not in the address (or not a choice): the first choice, the form's default.
          field.selectedIndex = 0;
        }
      } else {
        field.value = values.length ? values[0] : "";
      }
    }
  }
}

document.addEventListener("htmx:historyRestore", () => {
  syncFiltersWithAddress();
  const alert = sessionAlert();
  if (alert) {
    alert.replaceChildren();
  }
});

// In-place updates keep the reader's place: the element that sent the request, if marked
// data-keep-place (and given an id), is back at the same height on the screen after the swap.
let keptPlace = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  const anchor = elt && elt.closest ? elt.closest("[data-keep-place][id]") : null;
  keptPlace = anchor ? { id: anchor.id, top: anchor.getBoundingClientRect().top } : null;
});

// After a swap, focus goes to what the answer is about:
// - data-focus-after-swap="keep-scroll": focused where it is, the page does not move;
// - data-focus-after-swap: focused and brought into view (a refusal's explanation);
// - else, in a form that keeps its place, the first field with an error: its control is
//   focused, the field and its message brought into view.
function focusAfterSwap(root) {
  const target = root.matches("[data-focus-after-swap]")
    ? root
    : root.querySelector("[data-focus-after-swap]") ||
      root.querySelector("form[data-keep-place] .field-error");
  if (!target) {
    return;
  }
  if (target.matches(".field-error")) {
    const control = target.querySelector("input, select, textarea") || target;
    control.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  } else if (target.dataset.focusAfterSwap === "keep-scroll") {
    target.focus({ preventScroll: true });
  } else {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  }
}

document.addEventListener("htmx:afterSwap", (event) => {
  const request = event.detail.requestConfig;
  if (!request) {
    // A history restore: htmx puts the scroll position back itself.
    return;
  }
  if (keptPlace) {
    const anchor = document.getElementById(keptPlace.id);
    if (anchor) {
      window.scrollBy(0, anchor.getBoundingClientRect().top - keptPlace.top);
    }
    keptPlace = null;
  }
  if (event.target.id === "session-alert") {
    const form = request.elt.closest("form") || request.elt;
    returnFocusTo = form.querySelector ? form.querySelector("[type=submit]") || form : null;
  }
  if (!request.elt.closest("[data-follows-address]")) {
    syncFiltersWithAddress();
  }
  focusAfterSwap(event.target);
});

// Copy buttons (data-copy-target names the field, data-copy-status the line that says it was
// copied): shown only where this script runs. The field's text is selected first, so that
// whatever happens it is ready for Ctrl+C.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  button.hidden = false;
}

function copyField(button) {
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field) {
    return;
  }
  field.focus();
  field.select();
  const status = document.getElementById(button.dataset.copyStatus);
  const done = () => {
    if (status) {
      status.textContent = button.dataset.copied || "";
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => {
      if (document.execCommand("copy")) {
        done();
      }
    });
  } else if (document.execCommand("copy")) {
    done();
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (button) {
    copyField(button);
  }
});

// A read-only address is selected whole when focused, ready to copy by hand.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input.feed-url[readonly]")) {
    event.target.select();
  }
});
