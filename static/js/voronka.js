// Voronka's own behaviour on top of htmx, Bootstrap and Tom Select. Kept small on purpose:
// every page works without it; it only makes forms quicker to fill in.
(function () {
  "use strict";

  // The server searches (the lists' search: word prefixes, any case, Cyrillic too) and
  // Tom Select shows exactly its answer to what is typed now, in its order (open deals
  // first, the newest first), never options left over from an earlier answer: so the
  // highlighted first option, which Enter picks, always matches.
  function initAutocomplete(root) {
    root.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
      if (select.tomselect) return;
      var url = select.dataset.autocompleteUrl;
      var answers = {}; // query -> the values the server answered, best first

      function settled(control) {
        // What Tom Select's own callback does about the spinner, without showing anything.
        control.loading = Math.max(control.loading - 1, 0);
        if (!control.loading) control.wrapper.classList.remove(control.settings.loadingClass);
      }

      new TomSelect(select, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        sortField: [{ field: "$score", direction: "desc" }, { field: "$order" }],
        dataAttr: "data",
        allowEmptyOption: false,
        plugins: select.required ? [] : ["clear_button"],
        placeholder: select.dataset.placeholder || "",
        loadThrottle: 250,
        preload: "focus",
        closeAfterSelect: true,
        shouldLoad: function () { return true; },
        load: function (query, callback) {
          var control = this;
          fetch(url + "?q=" + encodeURIComponent(query), {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
            .then(function (response) { return response.json(); })
            .then(function (json) {
              answers[query] = json.results.map(function (result) { return String(result.value); });
              // An answer to what is no longer typed (or arriving after the choice) is kept
              // for later but not shown: it must not reopen the list or reorder it under
              // the pointer.
              if (query !== control.inputValue() || !control.isFocused) {
                delete control.loadedSearches[query];
                settled(control);
                return;
              }
              control.clearOptions(); // keeps the chosen option
              callback(json.results);
            })
            .catch(function () { callback(); });
        },
        score: function (query) {
          var ranked = answers[query];
          return function (option) {
            var position = ranked ? ranked.indexOf(String(option.value)) : -1;
            return position < 0 ? 0 : ranked.length - position;
          };
        },
        render: { no_results: function () { return '<div class="no-results">—</div>'; } },
      });
    });
  }

  // The links of one record that must agree (an activity's company, contact and deal), as
  // the services keep them: a chosen deal sets its company (`data-sets`) and, when the
  // person field is empty, its contact (`data-fills`); a person fills an empty company; a
  // person of another company gives way when the company changes (`data-belongs-to`).
  // Options carry their links as `company` / `company_text`, `contact` / `contact_text`.
  function chosenOption(select) {
    var control = select.tomselect;
    return control && select.value ? control.options[select.value] : null;
  }

  function choose(select, value, text) {
    var control = select.tomselect;
    if (!control || value === null || value === undefined || !text) return;
    if (String(select.value) === String(value)) return;
    control.addOption({ value: String(value), text: text });
    control.setValue(String(value));
  }

  function namesOf(select, attribute) {
    return (select.getAttribute(attribute) || "").split(" ").filter(Boolean);
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.form || !select.matches("select[data-autocomplete-url]")) return;
    var form = select.form;
    var option = chosenOption(select);
    if (option) {
      namesOf(select, "data-sets").forEach(function (name) {
        var other = form.elements[name];
        if (other) choose(other, option[name], option[name + "_text"]);
      });
      namesOf(select, "data-fills").forEach(function (name) {
        var other = form.elements[name];
        if (other && !other.value) choose(other, option[name], option[name + "_text"]);
      });
    }
    form.querySelectorAll("select[data-belongs-to]").forEach(function (other) {
      if (other === select || other.getAttribute("data-belongs-to") !== select.name) return;
      var person = chosenOption(other);
      var theirs = person ? person[select.name] : null;
      if (theirs && select.value && String(theirs) !== String(select.value)) {
        other.tomselect.clear();
      }
    });
  });

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

  // The deal form: the pipeline first, then only its stages. The server renders every
  // stage (grouped by pipeline, for a page without scripts, where it refuses a stage of
  // another pipeline); here the list keeps the chosen pipeline's, and a new pipeline starts
  // at its first stage.
  function initStageChoices(root) {
    root.querySelectorAll("select[data-pipeline-field]").forEach(function (stage) {
      var pipeline = stage.form && stage.form.elements[stage.dataset.pipelineField];
      if (!pipeline || stage.dataset.pipelineReady) return;
      stage.dataset.pipelineReady = "1";
      var all = Array.prototype.map.call(stage.querySelectorAll("option[data-pipeline]"), function (option) {
        return option.cloneNode(true);
      });
      function offer(announce) {
        var current = stage.value;
        var mine = all.filter(function (option) { return option.dataset.pipeline === pipeline.value; });
        stage.replaceChildren.apply(stage, mine.map(function (option) { return option.cloneNode(true); }));
        var kept = mine.some(function (option) { return option.value === current; });
        stage.value = kept ? current : mine.length ? mine[0].value : "";
        if (announce && !kept) stage.dispatchEvent(new Event("change", { bubbles: true }));
      }
      pipeline.addEventListener("change", function () { offer(true); });
      offer(false);
    });
  }

  // A deal's edit form shows the checklist items of the stage chosen in it, to tick them
  // on the way there (rules.missing_to_enter asks for them).
  function initStageChecklist(root) {
    root.querySelectorAll("[data-stage-checklist]").forEach(function (box) {
      var stage = box.closest("form").elements[box.dataset.stageChecklist];
      if (!stage || box.dataset.ready) return;
      box.dataset.ready = "1";
      function show() {
        var any = false;
        box.querySelectorAll("fieldset[data-stage]").forEach(function (group) {
          var mine = group.dataset.stage === stage.value;
          group.hidden = !mine;
          any = any || mine;
        });
        box.hidden = !any;
      }
      stage.addEventListener("change", show);
      show();
    });
  }

  function init(root) {
    initAutocomplete(root);
    initListInputs(root);
    initStageChoices(root);
    initStageProbability(root);
    initSortable(root);
    initStageChecklist(root);
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

// Files dropped on a record's «Files» card are uploaded at once ([data-file-drop]).
(function () {
  "use strict";
  function zone(event) {
    return event.target.closest && event.target.closest("[data-file-drop]");
  }
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = zone(event);
      if (!form) return;
      event.preventDefault();
      form.classList.add("file-drop-active");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var form = zone(event);
    if (form) form.classList.remove("file-drop-active");
  });
  document.addEventListener("drop", function (event) {
    var form = zone(event);
    if (!form || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.querySelector('input[type="file"]').files = event.dataTransfer.files;
    form.submit();
  });
})();
