// Progressive enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // R16: switching language reloads the page by GET, which would lose what was typed but not
  // saved. Keep the page's other forms in sessionStorage (this tab only) and put it back once.
  const KEPT = "accord:kept-input";
  const keptForms = () => [...document.querySelectorAll("form:not([data-keep-input])")];
  // Forms are matched by method, target and order: several forms on a page must not mix.
  // getAttribute, because a field named "action" (F1's buttons) shadows form.action.
  const formKeys = (forms) => {
    const seen = {};
    return forms.map((form) => {
      const target = new URL(form.getAttribute("action") || "", location.href).pathname;
      const key = `${(form.getAttribute("method") || "get").toLowerCase()} ${target}`;
      seen[key] = (seen[key] || 0) + 1;
      return `${key} ${seen[key]}`;
    });
  };
  // Secrets and files are never kept; the server issues fresh tokens, so hidden fields never
  // take a kept value either.
  const SKIPPED_TYPES = ["password", "file", "submit", "button", "reset", "image"];
  const SERVER_OWNED = ["csrfmiddlewaretoken", "idempotency_key"];
  const fields = (form) =>
    [...form.elements].filter(
      (el) =>
        el.name &&
        !el.disabled &&
        el.matches("input, select, textarea") &&
        !SKIPPED_TYPES.includes(el.type) &&
        !SERVER_OWNED.includes(el.name),
    );
  const typed = (form) => fields(form).filter((el) => el.type !== "hidden");
  const isChoice = (el) => el.type === "checkbox" || el.type === "radio";
  // What a field would submit, as a list (a select may submit several values, a checkbox none).
  const valuesOf = (el) => {
    if (el.tagName === "SELECT") return [...el.selectedOptions].map((option) => option.value);
    return !isChoice(el) || el.checked ? [el.value] : [];
  };
  // R14, R16: a form shown again with its errors (the server's summary) is posted again after the
  // switch, marked so that the view only judges it: its errors come back in the new language.
  // Only forms whose view knows the mark (data-revalidate): any other would record what it holds.
  const REVALIDATE = "revalidate";
  const keepInput = () => {
    const forms = keptForms();
    const keys = formKeys(forms);
    const kept = {};
    const refused = document.querySelector("[data-error-summary]") !== null;
    const revalidate = keys.filter((key, i) => refused && forms[i].hasAttribute("data-revalidate"));
    forms.forEach((form, i) => {
      // A wizard step rendered from a POST (F1's review) carries step 1's values in hidden
      // fields only; keeping those refills step 1, which is what the reload shows.
      const own = typed(form);
      const values = {};
      for (const el of own.length ? own : fields(form)) {
        values[el.name] = [...(values[el.name] || []), ...valuesOf(el)];
      }
      kept[keys[i]] = values;
    });
    sessionStorage.setItem(KEPT, JSON.stringify({ path: location.pathname, forms: kept, revalidate }));
  };
  // Ask before a submit that cannot be undone; "no" stops it, and the handlers after this one.
  const askFirst = (event, question) => {
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  };
  // Revoking an API token.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => askFirst(event, form.dataset.confirm));
  });
  document.querySelectorAll("form[data-keep-input]").forEach((form) => {
    // A secret shown once (a new API token) is gone after the switch's reload.
    form.addEventListener("submit", (event) =>
      askFirst(event, document.querySelector("[data-shown-once]")?.dataset.shownOnce),
    );
    form.addEventListener("submit", keepInput);
  });
  // R14: a date typed in part (a month, no year) is sent as nothing, and the server could only
  // say "This field is required." Say what is missing and keep it, without sending. Before the
  // once-only handler below, which must not count a submit that never left. A button that
  // reads nothing typed (formnovalidate: F3's Discard order) still goes.
  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.submitter?.formNoValidate) return;
      const partial = [...form.querySelectorAll("input[data-incomplete-message]")].filter(
        (input) => input.validity.badInput,
      );
      if (!partial.length) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      for (const input of partial) {
        const id = `${input.id}_incomplete`;
        let message = document.getElementById(id);
        if (!message) {
          message = document.createElement("div");
          message.id = id;
          message.className = "invalid-feedback d-block";
          input.after(message);
        }
        message.textContent = input.dataset.incompleteMessage;
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (!described.includes(id)) input.setAttribute("aria-describedby", [...described, id].join(" "));
      }
      partial[0].focus();
    });
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
  // F1: ticking "Update" starts the acceptor's fields from the primary contact. Focus stays on
  // the checkbox (WCAG 3.2.2): the fields follow it, and Tab reaches them.
  const update = document.querySelector('input[name="acceptor_update"]');
  const acceptor = document.getElementById("acceptor-fields");
  if (update && acceptor) {
    update.setAttribute("aria-controls", acceptor.id);
    // The fields marked * are required while shown, but the browser's `required` is off so that
    // it never insists on a hidden field (customers/forms.py): say it to assistive technology.
    const starred = [...acceptor.querySelectorAll("label .asteriskField")]
      .map((star) => document.getElementById(star.closest("label")?.htmlFor))
      .filter(Boolean);
    const markRequired = () =>
      starred.forEach((input) =>
        update.checked
          ? input.setAttribute("aria-required", "true")
          : input.removeAttribute("aria-required"),
      );
    markRequired();
    update.addEventListener("change", () => {
      markRequired();
      if (!update.checked) return;
      ["first_name", "last_name", "email", "phone"].forEach((part) => {
        const target = document.querySelector(`[name="acceptor_${part}"]`);
        const source = document.querySelector(`[name="contact_${part}"]`);
        if (target && source && !target.value) target.value = source.value;
      });
    });
  }
  // WCAG 3.3.1: after a refused submit the error summary takes the focus, so a screen reader reads
  // what went wrong. Its links focus their field; following the fragment alone only scrolls.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    // A malformed fragment names no field (and must not stop the restore below).
    const target = (link) => {
      try {
        return document.getElementById(decodeURIComponent(link.hash.slice(1)));
      } catch {
        return null;
      }
    };
    // The server lists the errors in the form's field order; list them in the page's. A stable
    // sort: a field's several errors keep their order.
    const list = summary.querySelector("ul");
    const links = [...summary.querySelectorAll('li > a[href^="#"]')].filter(target);
    const order = (a, b) => {
      if (target(a) === target(b)) return 0;
      return target(a).compareDocumentPosition(target(b)) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    };
    if (list) links.sort(order).forEach((link) => list.append(link.parentElement));
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest('a[href^="#"]');
      const field = link && target(link);
      if (!field) return;
      event.preventDefault();
      field.focus();
    });
  }
  // R16: put back what was kept before the language switch. Last, so the handlers above see the
  // events. Whatever page this is, the kept input is read once: a later visit finds nothing.
  const stored = sessionStorage.getItem(KEPT);
  sessionStorage.removeItem(KEPT);
  let kept = null;
  try {
    kept = JSON.parse(stored);
  } catch {
    // Unreadable: nothing to restore, and it is gone, so no later page trips on it.
  }
  if (kept && kept.forms && kept.path === location.pathname) {
    const forms = keptForms();
    const keys = formKeys(forms);
    keys.forEach((key, i) => {
      const values = kept.forms[key];
      if (!values) return;
      const changed = [];
      const nth = {};
      for (const el of typed(forms[i])) {
        const saved = values[el.name];
        if (!saved) continue;
        const before = valuesOf(el).join("\n");
        if (el.tagName === "SELECT") {
          for (const option of el.options) option.selected = saved.includes(option.value);
        } else if (isChoice(el)) {
          // A checkbox kept from a hidden field (F1's review) arrives as Django's "True".
          el.checked = saved.includes(el.value) || (el.value === "on" && saved.includes("True"));
        } else {
          // Several fields may share a name: the n-th gets the n-th value.
          nth[el.name] = (nth[el.name] ?? -1) + 1;
          if (nth[el.name] < saved.length) el.value = saved[nth[el.name]];
        }
        if (valuesOf(el).join("\n") !== before) changed.push(el);
      }
      // Fired once every value is back, so a handler sees the whole form (F1's Update fills
      // only empty acceptor fields).
      for (const el of changed) {
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    const i = keys.findIndex(
      (key, j) => (kept.revalidate || []).includes(key) && forms[j].hasAttribute("data-revalidate"),
    );
    if (i >= 0) {
      const mark = document.createElement("input");
      mark.type = "hidden";
      mark.name = REVALIDATE;
      mark.value = "1";
      forms[i].append(mark);
      // The prototype's submit: no submit handlers (nothing is being sent twice), and a field
      // named "submit" cannot shadow it.
      HTMLFormElement.prototype.submit.call(forms[i]);
    }
  }
});
