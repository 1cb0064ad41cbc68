// Progressive enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Language switch: submit on change (the button stays for keyboard and no-JS users).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // R15: a form submits once; a second click while the first is in flight does nothing.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitted === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
    });
  });
  // Coming back with the browser's back button restores the page as it was: let it submit again
  // (the server's idempotency key still makes the repeat a no-op, R15).
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      document.querySelectorAll("form[data-once]").forEach((form) => delete form.dataset.submitted);
    }
  });
  // F1: ticking "Update" starts the acceptor's fields from the primary contact and focuses them.
  const update = document.querySelector('input[name="acceptor_update"]');
  if (update) {
    update.addEventListener("change", () => {
      if (!update.checked) return;
      ["first_name", "last_name", "email", "phone"].forEach((part) => {
        const target = document.querySelector(`[name="acceptor_${part}"]`);
        const source = document.querySelector(`[name="contact_${part}"]`);
        if (target && source && !target.value) target.value = source.value;
      });
      const first = document.querySelector('[name="acceptor_first_name"]');
      if (first) first.focus();
    });
  }
});
