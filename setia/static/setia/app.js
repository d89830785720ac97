/* Setia on every page. Small and hand-written: it is served with the app, so it
   works on a shop's weak connection. It holds no words: the texts come from the
   page (data- attributes rendered by Django in the shop's language). */
(function () {
  "use strict";

  /* 1. An htmx request that fails (server error, refused, no connection, or no
     answer in time) shows a banner instead of a button that seems to do nothing.
     A refused form (422) is not a failure: htmx-config in base.html swaps it in,
     with its message. */
  var failedFrom = null;

  function banner() {
    return document.getElementById("request-error");
  }

  function showFailure(event) {
    var box = banner();
    if (!box) return;
    var detail = event.detail || {};
    var verb = detail.requestConfig && detail.requestConfig.verb;
    // A search or a refresh that fails saved nothing: say "could not load".
    var text = verb === "get" ? box.dataset.loadFailed : box.dataset.saveFailed;
    box.querySelector(".request-error-text").textContent = text;
    box.hidden = false;
    failedFrom = detail.elt || null;
  }

  function hideFailure() {
    var box = banner();
    if (box) box.hidden = true;
    failedFrom = null;
  }

  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);
  document.addEventListener("htmx:timeout", showFailure);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful || !failedFrom) return;
    // The retry worked (or what failed is gone): the banner has done its job.
    // A background refresh elsewhere on the page does not hide it.
    if (event.detail.elt === failedFrom || !document.body.contains(failedFrom)) {
      hideFailure();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest(".request-error-close")) hideFailure();
  });

  /* 2. A list swapped by a search keeps the cards already filled in:
     <div id="list" data-keep-typed="#kept"> with cards [data-keep-card="ID"]
     holding inputs [data-typed]. Before the swap a filled card moves to the
     #kept box (inside the same form, so it is still submitted); after it, the
     fresh copy of a kept card leaves the new list, so each input is sent once. */
  function isFilled(card) {
    var inputs = card.querySelectorAll("[data-typed]");
    for (var i = 0; i < inputs.length; i++) {
      var value = inputs[i].value.trim();
      if (value !== "" && value !== "0") return true;
    }
    return false;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var list = event.detail.target;
    if (!list || !list.matches || !list.matches("[data-keep-typed]")) return;
    if (!event.detail.shouldSwap) return;
    var kept = document.querySelector(list.dataset.keepTyped);
    if (!kept) return;
    list.querySelectorAll("[data-keep-card]").forEach(function (card) {
      if (isFilled(card)) kept.appendChild(card);
    });
  });

  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("[data-keep-typed]").forEach(function (list) {
      var kept = document.querySelector(list.dataset.keepTyped);
      if (!kept) return;
      kept.querySelectorAll("[data-keep-card]").forEach(function (card) {
        var key = card.dataset.keepCard;
        list.querySelectorAll("[data-keep-card]").forEach(function (fresh) {
          if (fresh.dataset.keepCard === key) fresh.remove();
        });
      });
    });
  });
})();
