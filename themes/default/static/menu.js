// ritme phone menu: a real button that shows and hides the navigation.
// Loaded in <head> so that the `menu-js` class is on <html> before the
// first paint: the theme collapses the navigation on narrow screens only
// under that class, so without JavaScript the navigation simply shows.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("menu-js");

  function wire() {
    var button = document.querySelector(".menu-button");
    var nav = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) { root.classList.remove("menu-js"); return; }
    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    }
    button.addEventListener("click", function () { set(!isOpen()); });
    // Escape closes the menu; focus goes back to the button when it was
    // in the menu, so that a keyboard reader is not left on a hidden link.
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || !isOpen()) return;
      var inside = nav.contains(document.activeElement);
      set(false);
      if (inside || document.activeElement === button) button.focus();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
