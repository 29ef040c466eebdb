// Keyboard shortcuts (listed in templates/tracker/_shortcuts.html, which "?" opens on every
// page): on the commitment list j/k move a visible focus between the rows, Enter opens the
// focused commitment and x ticks its box; on a commitment's page e goes to the update form.
// "/" and Ctrl-K (the header's search) live in search.js. None fires while the user types in a
// field or holds Ctrl, Alt or Cmd: the letters are theirs then.
"use strict";

(() => {
  // Inputs that take typing; a checkbox or a button does not, so j/k still move from one.
  const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "image", "file"]);

  function isTyping(target) {
    if (!(target instanceof Element)) {
      return false;
    }
    if (target.isContentEditable || target.closest("textarea, select, [contenteditable]")) {
      return true;
    }
    return target instanceof HTMLInputElement && !NOT_TYPED.has(target.type);
  }

  const rows = () => Array.from(document.querySelectorAll("#commitment-table tr[data-row]"));

  function focusedRow() {
    const active = document.activeElement;
    return active instanceof Element ? active.closest("#commitment-table tr[data-row]") : null;
  }

  function focusRow(row) {
    rows().forEach((other) => other.classList.toggle("is-focused", other === row));
    row.tabIndex = -1;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const list = rows();
    if (!list.length) {
      return false;
    }
    const current = list.indexOf(focusedRow() || document.querySelector("tr[data-row].is-focused"));
    let next = current === -1 ? (step > 0 ? 0 : list.length - 1) : current + step;
    next = Math.max(0, Math.min(list.length - 1, next));
    focusRow(list[next]);
    return true;
  }

  function openFocused() {
    const row = focusedRow();
    // Only when the row itself has the focus: Enter on a link or a button inside does its own.
    if (!row || document.activeElement !== row) {
      return false;
    }
    const link = row.querySelector("a[href]");
    if (link) {
      window.location.assign(link.href);
    }
    return Boolean(link);
  }

  function toggleFocused() {
    const row = focusedRow();
    const box = row && row.querySelector('input[type="checkbox"][name="ids"]');
    if (!box) {
      return false;
    }
    // A click, so that the bulk bar counts it as it counts a mouse click.
    box.click();
    row.focus({ preventScroll: true });
    return true;
  }

  function focusUpdateForm() {
    const form = document.getElementById("update-form");
    const field = form && form.querySelector("select, input:not([type=hidden]), textarea");
    if (!field) {
      return false;
    }
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }

  function showShortcuts() {
    const dialog = document.getElementById("shortcuts-dialog");
    if (!dialog || dialog.open) {
      return false;
    }
    dialog.showModal();
    return true;
  }

  const ACTIONS = {
    j: () => move(1),
    k: () => move(-1),
    x: toggleFocused,
    e: focusUpdateForm,
    "?": showShortcuts,
    Enter: openFocused,
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    // Shift makes "?" on most layouts; with any other key it is a modifier like the others.
    if (event.shiftKey && event.key !== "?") {
      return;
    }
    if (isTyping(event.target) || document.querySelector("dialog[open]")) {
      return;
    }
    const action = ACTIONS[event.key];
    if (action && action()) {
      event.preventDefault();
    }
  });

  // The list reloaded (filters, sorting, a bulk change): its rows are new, the focus is gone.
  document.addEventListener("htmx:afterSettle", () => {
    if (!focusedRow()) {
      rows().forEach((row) => row.classList.remove("is-focused"));
    }
  });
})();
