// The calendar of activities (FullCalendar 6). It runs in the user's time zone: the server
// sends wall-clock times without an offset and reads the ones it gets back the same way.
// Select an empty slot to plan an activity; drag an event to reschedule it, stretch it to
// change its end. A refused change puts the event back and says why.
(function () {
  "use strict";
  var el = document.getElementById("calendar");
  if (!el || typeof FullCalendar === "undefined") return;
  var alertBox = document.getElementById("calendar-alert");
  var whose = document.getElementById("calendar-whose");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];

  function showError(text) {
    alertBox.textContent = text;
    alertBox.classList.remove("d-none");
  }

  function hideError() {
    alertBox.classList.add("d-none");
  }

  function whoseParams() {
    var value = whose ? whose.value : "";
    var parts = value.split(":");
    if (parts.length === 2 && (parts[0] === "user" || parts[0] === "team")) {
      var params = {};
      params[parts[0]] = parts[1];
      return params;
    }
    return {};
  }

  // "2026-11-23T10:00:00" (or with an offset): the first 16 characters are the wall time.
  function minutes(text) {
    return text.slice(0, 16);
  }

  function plan(info) {
    var start = info.startStr, end = info.endStr;
    if (info.allDay) {  // a day in the month view: plan for the morning of the first day
      start = info.startStr.slice(0, 10) + "T09:00";
      end = info.startStr.slice(0, 10) + "T09:30";
    }
    var params = new URLSearchParams({ due_at: minutes(start), end_at: minutes(end) });
    window.location.href = el.dataset.newUrl + "?" + params.toString();
  }

  function save(info, withEnd) {
    var event = info.event;
    var body = new FormData();
    body.append("start", event.startStr);
    if (withEnd && event.end) body.append("end", event.endStr);
    body.append("version", event.extendedProps.version);
    event.setProp("classNames", event.classNames.concat(["is-saving"]));
    fetch(event.extendedProps.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      })
      .then(function (result) {
        if (result.ok) {
          hideError();
          var saved = result.json;
          event.setProp("classNames", saved.classNames);
          event.setProp("backgroundColor", saved.backgroundColor);
          event.setProp("borderColor", saved.borderColor);
          Object.keys(saved.extendedProps).forEach(function (key) {
            event.setExtendedProp(key, saved.extendedProps[key]);
          });
        } else {
          info.revert();
          event.setProp("classNames", event.classNames.filter(function (c) { return c !== "is-saving"; }));
          showError(result.json.error || el.dataset.networkError);
        }
      })
      .catch(function () {
        info.revert();
        event.setProp("classNames", event.classNames.filter(function (c) { return c !== "is-saving"; }));
        showError(el.dataset.networkError);
      });
  }

  // Without a time-zone plugin FullCalendar treats a named zone as UTC; "now" (today's column,
  // the red line) is therefore given as the wall-clock time of the user's zone.
  function wallNow() {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: el.dataset.timeZone, hourCycle: "h23",
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day + "T" +
        parts.hour + ":" + parts.minute + ":" + parts.second;
    } catch (e) {
      return new Date();
    }
  }

  // A week of seven columns does not fit a phone: there the calendar opens as a day, with
  // the list of the week and the month a tap away (the view buttons move below it).
  var phone = window.matchMedia("(max-width: 767.98px)").matches;

  var calendar = new FullCalendar.Calendar(el, {
    now: wallNow,
    locale: el.dataset.locale,
    timeZone: el.dataset.timeZone,
    initialView: phone ? "timeGridDay" : "timeGridWeek",
    headerToolbar: phone
      ? { left: "prev,next", center: "title", right: "today" }
      : { left: "prev,next today", center: "title", right: "timeGridDay,timeGridWeek,dayGridMonth" },
    footerToolbar: phone ? { center: "timeGridDay,listWeek,dayGridMonth" } : false,
    contentHeight: 640,
    allDaySlot: false,
    nowIndicator: true,
    scrollTime: "08:00:00",
    dayMaxEvents: true,
    selectable: true,
    selectMirror: true,
    editable: true,
    eventStartEditable: true,
    eventDurationEditable: true,
    eventSources: [
      {
        url: el.dataset.eventsUrl,
        extraParams: whoseParams,
        failure: function () { showError(el.dataset.loadError); },
      },
    ],
    eventDidMount: function (info) {
      var props = info.event.extendedProps;
      var title = info.event.title + " · " + props.owner;
      if (props.overdue) title += " · " + el.dataset.overdue;
      info.el.setAttribute("title", title);
      info.el.setAttribute("data-testid", "event-" + info.event.id);
    },
    select: plan,
    eventDrop: function (info) { save(info, info.event.extendedProps.hasEnd); },
    eventResize: function (info) { save(info, true); },
  });
  calendar.render();

  if (whose) {
    whose.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.delete("user");
      url.searchParams.delete("team");
      var params = whoseParams();
      Object.keys(params).forEach(function (key) { url.searchParams.set(key, params[key]); });
      window.history.replaceState(null, "", url.toString());
      hideError();
      calendar.refetchEvents();
    });
  }

  // Back from "create a new address" / "revoke": keep the panel open.
  if (window.location.hash === "#subscribe") {
    var panel = document.getElementById("subscribe");
    if (panel) panel.classList.add("show");
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copy);
      input.select();
      var done = function () { button.lastChild.textContent = " " + button.dataset.copied; };
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, function () {});
      else if (document.execCommand("copy")) done();
    });
  });
})();
