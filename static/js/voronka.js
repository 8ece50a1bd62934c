// Voronka's own behaviour on top of htmx, Bootstrap and Tom Select. Kept small on purpose:
// every page works without it; it only makes forms quicker to fill in.
(function () {
  "use strict";

  function initAutocomplete(root) {
    root.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
      if (select.tomselect) return;
      var url = select.dataset.autocompleteUrl;
      new TomSelect(select, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        allowEmptyOption: false,
        plugins: select.required ? [] : ["clear_button"],
        placeholder: select.dataset.placeholder || "",
        loadThrottle: 250,
        preload: "focus",
        load: function (query, callback) {
          fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
            .then(function (response) { return response.json(); })
            .then(function (json) { callback(json.results); })
            .catch(function () { callback(); });
        },
        shouldLoad: function () { return true; },
        render: { no_results: function () { return '<div class="no-results">—</div>'; } },
      });
    });
  }

  function initListInputs(root) {
    root.querySelectorAll("[data-list-input]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var button = box.querySelector("[data-list-add]");
      if (!button) return;
      button.addEventListener("click", function () {
        var inputs = box.querySelectorAll("input");
        var copy = inputs[inputs.length - 1].cloneNode();
        copy.value = "";
        copy.removeAttribute("id");
        button.parentNode.insertBefore(copy, button);
        copy.focus();
      });
    });
  }

  function initStageProbability(root) {
    var stage = root.querySelector("select[data-probabilities]");
    var probability = root.querySelector("input[name=probability]");
    if (!stage || !probability || stage.dataset.ready) return;
    stage.dataset.ready = "1";
    var map = {};
    stage.dataset.probabilities.split(",").forEach(function (pair) {
      var parts = pair.split(":");
      map[parts[0]] = parts[1];
    });
    var touched = false;
    probability.addEventListener("input", function () { touched = true; });
    stage.addEventListener("change", function () {
      if (!touched && map[stage.value] !== undefined) probability.value = map[stage.value];
    });
  }

  // Lists whose items are dragged into order (the page loads SortableJS itself).
  function initSortable(root) {
    if (!window.Sortable) return;
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      if (!Sortable.get(list)) Sortable.create(list, { animation: 150 });
    });
  }

  function init(root) {
    initAutocomplete(root);
    initListInputs(root);
    initStageProbability(root);
    initSortable(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

// Behaviour that templates ask for with data attributes, since the Content-Security-Policy
// allows no inline script (no onclick=, onchange=, onsubmit=): a form that asks before it is
// sent (data-confirm="question"), a field that sends its form when it changes.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-submit-on-change]") && field.form) field.form.submit();
  });
})();

// Bulk actions on a list: tick rows, choose an action, apply.
(function () {
  "use strict";
  function sync() {
    var bar = document.querySelector("[data-bulk-bar]");
    if (!bar) return;
    var chosen = document.querySelectorAll('input[name="ids"][form="bulk-form"]:checked').length;
    bar.querySelector("[data-bulk-submit]").disabled = chosen === 0;
    var counter = bar.querySelector("[data-bulk-count]");
    if (chosen) counter.textContent = counter.dataset.template.replace("{n}", chosen);
    var action = bar.querySelector("[data-bulk-action]").value;
    bar.querySelectorAll("[data-bulk-for]").forEach(function (el) {
      el.classList.toggle("d-none", el.dataset.bulkFor !== action);
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll('input[name="ids"][form="bulk-form"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches('input[name="ids"], [data-select-all], [data-bulk-action]')) sync();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "bulk-form") return;
    var submit = form.querySelector("[data-bulk-submit]");
    if (form.elements.action.value === "delete" && !window.confirm(submit.dataset.confirmDelete)) {
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSwap", sync);
})();
