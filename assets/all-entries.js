// The "All entries" page (all-entries.qmd): a filter to the entries with the curator's notes, the
// number of entries shown, and sort headers a keyboard can use. Works on the list.js instance of
// Quarto's table listing, which starts on the reader's first move (readinglist.paint); until then
// the count is read from the rows shown. Nothing is fetched.
(function () {
  "use strict";
  var LISTING = "listing-all-entries";

  // Quarto's active category (its side filter by topic), or "" for all of them.
  function activeCategory() {
    var active = document.querySelector(".quarto-listing-category .category.active");
    var code = active ? active.getAttribute("data-category") : "";
    return code ? decodeURIComponent(atob(code)) : "";
  }

  function inCategory(item, category) {
    var code = item.values().categories;
    return code ? decodeURIComponent(atob(code)).split(",").indexOf(category) >= 0 : false;
  }

  function countText(shown, total, onPage) {
    var text = shown === total ? total + " entries" : shown + " of " + total + " entries";
    if (onPage < shown) {
      text += ", " + onPage + " on this page";
    }
    return text + ".";
  }

  // Before list.js starts: every row is in the table, those past the first page hidden.
  function countRows(count) {
    var rows = document.querySelectorAll("#" + LISTING + " .list > *");
    var onPage = Array.prototype.filter.call(rows, function (row) {
      return row.checkVisibility ? row.checkVisibility() : row.offsetParent !== null;
    }).length;
    count.textContent = countText(rows.length, rows.length, onPage);
  }

  function init() {
    var list = window["quarto-listings"] && window["quarto-listings"][LISTING];
    var box = document.getElementById("notes-only");
    var count = document.getElementById("entries-count");
    if (!list || !box || !count) {
      return;
    }
    var filter = list.filter.bind(list);
    // Quarto filters by category through list.filter; both filters apply together.
    function apply() {
      var category = activeCategory();
      if (!box.checked && !category) {
        return filter();
      }
      return filter(function (item) {
        // the notes column's mark (readinglist.listing.NOTES_MARK)
        var noted = item.elm.querySelector(".notes-mark") !== null;
        return (!box.checked || noted) && (!category || inCategory(item, category));
      });
    }
    list.filter = function () {
      return apply();
    };
    function show() {
      count.textContent = countText(list.matchingItems.length, list.items.length, list.visibleItems.length);
    }
    list.on("updated", show);
    box.addEventListener("change", apply);
    if (box.checked) {
      apply(); // a browser may restore the box's state when the reader comes back
    }
    show();
  }

  // Quarto's sort headers are <a> elements with no href, which a keyboard cannot reach.
  function keyboardSortHeaders() {
    var headers = document.querySelectorAll("#" + LISTING + " th a.sort");
    Array.prototype.forEach.call(headers, function (header) {
      header.setAttribute("role", "button");
      header.setAttribute("tabindex", "0");
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          header.click();
        }
      });
    });
  }

  // After Quarto's own DOMContentLoaded handler, which makes the list or waits for the reader.
  document.addEventListener("DOMContentLoaded", function () {
    setTimeout(function () {
      keyboardSortHeaders();
      if (window["quarto-listings"] && window["quarto-listings"][LISTING]) {
        init();
        return;
      }
      document.addEventListener("quarto-listing-started", function (event) {
        if (event.detail === LISTING) {
          init();
        }
      });
      var count = document.getElementById("entries-count");
      if (count) {
        countRows(count);
      }
      var box = document.getElementById("notes-only");
      var start = window.quartoListingStart && window.quartoListingStart[LISTING];
      if (box && box.checked && start) {
        start(); // a browser may restore the box's state when the reader comes back
      }
    }, 0);
  });
})();
