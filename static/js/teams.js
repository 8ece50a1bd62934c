// Settings → Teams: drag a team among its siblings or under another team. The server checks
// the move (no team under itself); a refused move reloads the tree as it was.
(function () {
  "use strict";
  var trees = document.querySelectorAll("[data-team-tree]");
  if (!trees.length || !window.Sortable) return;
  var alertBox = document.getElementById("team-alert");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];

  function refused(text) {
    alertBox.textContent = text;
    alertBox.classList.remove("d-none");
    window.setTimeout(function () { window.location.reload(); }, 1500);
  }

  trees.forEach(function (list) {
    new Sortable(list, {
      group: "teams",
      draggable: ".team-node",
      handle: ".team-line",
      fallbackOnBody: true,
      swapThreshold: 0.65,
      forceFallback: true,
      animation: 150,
      onEnd: function (evt) {
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
        var body = new URLSearchParams();
        body.set("parent", evt.to.dataset.parent || "");
        body.set("position", String(evt.newIndex));
        fetch(evt.item.dataset.moveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, Accept: "application/json" },
          body: body,
        })
          .then(function (response) { return response.json(); })
          .then(function (json) { if (!json.ok) refused(json.error); })
          .catch(function () { window.location.reload(); });
      },
    });
  });
})();
