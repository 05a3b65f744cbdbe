// "Add another" without a page load: the button copies the empty row kept in a
// <template>, numbers it, tells the formset it has one more row and moves focus into the
// new row. Without JavaScript the same button submits the form, and the server draws it
// again with one more row (improvement/views/progress.py).
export function initAddAnother(root = document) {
  for (const list of root.querySelectorAll("[data-add-another]")) {
    const prefix = list.dataset.addAnother;
    const button = list.querySelector("[data-add-another-button]");
    const blank = list.querySelector("template[data-add-another-template]");
    const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const most = document.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
    if (!button || !blank || !total) continue;
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const index = Number(total.value);
      const html = blank.innerHTML
        .replaceAll("__prefix__", String(index))
        .replaceAll("__number__", String(index + 1));
      blank.insertAdjacentHTML("beforebegin", html);
      total.value = String(index + 1);
      const added = list.querySelectorAll("[data-add-another-item]");
      const row = added[added.length - 1];
      row.querySelector("textarea, input, select")?.focus();
      if (most && index + 1 >= Number(most.value)) button.hidden = true;
    });
  }
}
