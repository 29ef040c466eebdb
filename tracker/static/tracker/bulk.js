// The commitment list's bulk bar (templates/tracker/_bulk_bar.html): the bar counts the ticked
// rows and shows its controls only when some are ticked; shift-click ticks a range; the header's
// box ticks the page; "Select all N matching" counts N. After a bulk change the server sends the
// `commitments-changed` event and the table reloads itself. Without this file the bar is a plain
// form that posts the ticked rows.
"use strict";

(() => {
  const rowBoxes = () =>
    Array.from(document.querySelectorAll('#commitment-table input[name="ids"][form="bulk-form"]'));
  const matchingBox = () => document.querySelector("#commitment-table [data-bulk-matching]");
  const pageBox = () => document.querySelector("#commitment-table [data-bulk-page]");
  let lastClicked = null;

  function selectedCount() {
    const matching = matchingBox();
    if (matching && matching.checked) {
      return Number(matching.dataset.count) || 0;
    }
    return rowBoxes().filter((box) => box.checked).length;
  }

  // The bar's count and controls, and the header box's state, from the ticked rows.
  function sync() {
    const bar = document.querySelector("[data-bulk-bar]");
    if (!bar) {
      return;
    }
    const boxes = rowBoxes();
    const ticked = boxes.filter((box) => box.checked).length;
    const page = pageBox();
    if (page) {
      page.hidden = false;
      page.checked = boxes.length > 0 && ticked === boxes.length;
      page.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    const count = selectedCount();
    bar.querySelectorAll("[data-bulk-count]").forEach((el) => {
      el.textContent = String(count);
    });
    bar.querySelectorAll("[data-bulk-count-text]").forEach((el) => {
      el.hidden = count === 0;
    });
    // Refusals and confirmations stay in view with their selection; an idle bar shows only its
    // heading (and the last "Updated N").
    bar.querySelectorAll("[data-bulk-controls]").forEach((el) => {
      el.hidden = count === 0;
    });
    bar.classList.toggle("is-idle", count === 0);
  }

  document.addEventListener("click", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches('input[name="ids"][form="bulk-form"]')) {
      return;
    }
    const boxes = rowBoxes();
    if (event.shiftKey && lastClicked && lastClicked !== box && boxes.includes(lastClicked)) {
      const [from, to] = [boxes.indexOf(lastClicked), boxes.indexOf(box)].sort((a, b) => a - b);
      boxes.slice(from, to + 1).forEach((other) => {
        other.checked = box.checked;
      });
      // Shift-click would otherwise select the text between the two rows.
      window.getSelection()?.removeAllRanges();
    }
    lastClicked = box;
  });

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) {
      return;
    }
    if (target.matches("[data-bulk-page]")) {
      rowBoxes().forEach((box) => {
        box.checked = target.checked;
      });
      if (!target.checked && matchingBox()) {
        matchingBox().checked = false;
      }
    } else if (target.matches("[data-bulk-matching]")) {
      // Every matching item includes this page's: shown ticked, so that the choice is visible.
      if (target.checked) {
        rowBoxes().forEach((box) => {
          box.checked = true;
        });
      }
    } else if (target.matches('input[name="ids"][form="bulk-form"]')) {
      // Unticking one row is no longer "all matching".
      if (!target.checked && matchingBox()) {
        matchingBox().checked = false;
      }
    } else {
      return;
    }
    sync();
  });

  // The shift-click range ends in a click event: count after it too.
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("#commitment-table")) {
      window.setTimeout(sync, 0);
    }
  });

  document.body.addEventListener("commitments-changed", () => {
    if (window.htmx && document.getElementById("commitment-table")) {
      window.htmx.ajax("GET", window.location.pathname + window.location.search, {
        target: "#commitment-table",
        swap: "outerHTML",
      });
    }
  });

  document.addEventListener("htmx:afterSettle", () => {
    lastClicked = null;
    sync();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sync);
  } else {
    sync();
  }
})();
