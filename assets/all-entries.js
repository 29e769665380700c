// The "All entries" page (all-entries.qmd): a filter to the entries with the curator's notes, the
// number of entries shown, and sort headers a keyboard can use. Works on the list.js instance of
// Quarto's table listing; nothing is fetched.
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
      var shown = list.matchingItems.length;
      var total = list.items.length;
      var text = shown === total ? total + " entries" : shown + " of " + total + " entries";
      if (list.visibleItems.length < shown) {
        text += ", " + list.visibleItems.length + " on this page";
      }
      count.textContent = text + ".";
    }
    list.on("updated", show);
    box.addEventListener("change", apply);
    if (box.checked) {
      apply(); // a browser may restore the box's state when the reader comes back
    }
    show();

    // Quarto's sort headers are <a> elements with no href, which a keyboard cannot reach.
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

  // After Quarto's own DOMContentLoaded handler, which makes the list.
  document.addEventListener("DOMContentLoaded", function () {
    setTimeout(init, 0);
  });
})();
