// The deal board: drag a card to another column to move the deal. The server applies the
// pipeline's rules; a refused move puts the card back and says what is missing.
(function () {
  "use strict";
  var board = document.querySelector(".board");
  if (!board) return;
  var alertBox = document.getElementById("board-alert");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  var lostDialog = document.getElementById("board-lost-dialog");
  var lostForm = document.getElementById("board-lost-form");
  var pendingLost = null;

  function showProblems(problems) {
    alertBox.textContent = "";
    problems.forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      alertBox.appendChild(line);
    });
    alertBox.classList.remove("d-none");
  }

  function putBack(evt) {
    var before = evt.from.children[evt.oldIndex] || null;
    evt.from.insertBefore(evt.item, before);
  }

  function refreshStats() {
    fetch(board.dataset.statsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (json) {
        Object.keys(json.columns).forEach(function (stage) {
          var column = json.columns[stage];
          var set = function (attr, value) {
            var el = board.querySelector("[" + attr + '="' + stage + '"]');
            if (el) el.textContent = value;
          };
          set("data-count-for", column.count);
          set("data-total-for", column.total);
          set("data-weighted-for", column.weighted);
        });
      });
  }

  function move(evt, extra) {
    var card = evt.item;
    var body = new FormData();
    body.append("stage", evt.to.dataset.stage);
    body.append("version", card.dataset.version);
    Object.keys(extra || {}).forEach(function (key) { body.append(key, extra[key]); });
    card.classList.add("moving");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      })
      .then(function (result) {
        card.classList.remove("moving");
        if (result.ok) {
          card.dataset.version = result.json.version;
          alertBox.classList.add("d-none");
          refreshStats();
        } else if (result.json.needs_lost_reason && !(extra && extra.lost_reason)) {
          askLostReason(evt);
        } else {
          putBack(evt);
          showProblems(result.json.problems || []);
        }
      })
      .catch(function () {
        card.classList.remove("moving");
        putBack(evt);
        showProblems([board.dataset.networkError]);
      });
  }

  function askLostReason(evt) {
    pendingLost = evt;
    lostForm.reset();
    bootstrap.Modal.getOrCreateInstance(lostDialog).show();
  }

  lostForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var evt = pendingLost;
    pendingLost = null;
    bootstrap.Modal.getOrCreateInstance(lostDialog).hide();
    if (evt) move(evt, { lost_reason: lostForm.elements.lost_reason.value });
  });
  lostDialog.addEventListener("hidden.bs.modal", function () {
    if (pendingLost) {  // closed without choosing a reason: the move does not happen
      putBack(pendingLost);
      pendingLost = null;
    }
  });

  board.querySelectorAll(".board-cards").forEach(function (column) {
    new Sortable(column, {
      group: "deals",
      draggable: ".deal-card",
      forceFallback: true,  // pointer events, not HTML5 drag: the same on touch screens
      animation: 150,
      onEnd: function (evt) {
        if (evt.from === evt.to) return;
        if (evt.to.dataset.kind === "lost") askLostReason(evt);
        else move(evt);
      },
    });
  });
})();
