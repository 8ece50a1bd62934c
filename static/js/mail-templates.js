// The template editor's placeholder picker: a click puts «{{ name }}» where the cursor was in
// the subject or the text (the text when neither was focused yet).
(function () {
  "use strict";
  let target = document.getElementById("id_body");
  for (const id of ["id_subject", "id_body"]) {
    const field = document.getElementById(id);
    if (field) field.addEventListener("focus", () => { target = field; });
  }
  document.querySelectorAll("[data-placeholder]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!target) return;
      const text = "{{ " + button.dataset.placeholder + " }}";
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? target.value.length;
      target.value = target.value.slice(0, start) + text + target.value.slice(end);
      target.focus();
      target.selectionStart = target.selectionEnd = start + text.length;
    });
  });
})();
