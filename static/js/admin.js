// The admin's search-as-you-type pickers (Select2, used for people, objectives and
// actions) named after their field, for screen readers: Select2 names its box after the
// chosen value only (nothing, when empty) and gives its search field no name at all. It
// also puts its "clear" button inside the list of chosen items, where only list items may
// be; the button is moved just after the list (it still works: Select2 listens on the box).
// Loaded on every admin page by templates/admin/base_site.html; no inline script (CSP).
"use strict";
{
    function labelId(select) {
        const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        if (!label) {
            return null;
        }
        if (!label.id) {
            label.id = `${select.id}-label`;
        }
        return label.id;
    }

    function name(container) {
        const select = container.previousElementSibling;
        if (!select || select.tagName !== "SELECT") {
            return;
        }
        const label = labelId(select);
        if (!label) {
            return;
        }
        const box = container.querySelector(".select2-selection");
        const chosen = container.querySelector(".select2-selection__rendered");
        if (box) {
            const ids = box.classList.contains("select2-selection--single") && chosen && chosen.id
                ? `${label} ${chosen.id}` : label;
            if (box.getAttribute("aria-labelledby") !== ids) {
                box.setAttribute("aria-labelledby", ids);
            }
        }
        // A single picker's chosen value is a read-only text box of its own: named too.
        if (chosen && chosen.getAttribute("role") === "textbox" &&
                chosen.getAttribute("aria-labelledby") !== label) {
            chosen.setAttribute("aria-labelledby", label);
        }
        const search = container.querySelector(".select2-search__field");
        if (search && search.getAttribute("aria-labelledby") !== label) {
            search.setAttribute("aria-labelledby", label);
        }
        const list = container.querySelector("ul.select2-selection__rendered");
        if (list) {
            // Select2 empties only the list when it redraws: a button moved out earlier
            // is removed when a new one comes, or when nothing is chosen any more.
            const strays = Array.from(list.children).filter((child) => child.tagName !== "LI");
            const moved = Array.from(list.parentElement.children).filter(
                (child) => child !== list && child.classList.contains("select2-selection__clear"));
            if (strays.length || !list.querySelector(".select2-selection__choice")) {
                moved.forEach((old) => old.remove());
            }
            strays.reverse().forEach((stray) => list.after(stray));
        }
    }

    // The open list's search field sits in a box of its own at the end of the page; its
    // results list is named after the select ("select2-<id>-results").
    function nameDropdown(dropdown) {
        const results = dropdown.querySelector(".select2-results__options[id]");
        const search = dropdown.querySelector(".select2-search__field");
        const found = results && /^select2-(.+)-results$/.exec(results.id);
        const select = found && document.getElementById(found[1]);
        const label = select && labelId(select);
        if (search && label && search.getAttribute("aria-labelledby") !== label) {
            search.setAttribute("aria-labelledby", label);
        }
    }

    // An open picker says which list it controls (ARIA 1.2), as well as owning it; a
    // closed one has no list to point at.
    function controls(box) {
        const owned = box.getAttribute("aria-owns");
        if (owned && box.getAttribute("aria-controls") !== owned) {
            box.setAttribute("aria-controls", owned);
        } else if (!owned && box.hasAttribute("aria-controls")) {
            box.removeAttribute("aria-controls");
        }
    }

    // The two-list picker (the plan's editors, a user's groups) labels its search
    // icon with aria-label on a plain span, which has no role to be named: an image.
    function iconRole(icon) {
        if (!icon.hasAttribute("role")) {
            icon.setAttribute("role", "img");
        }
    }

    function nameAll() {
        document.querySelectorAll(".search-label-icon[aria-label]").forEach(iconRole);
        document.querySelectorAll(".select2-container").forEach(name);
        document.querySelectorAll(".select2-dropdown").forEach(nameDropdown);
        document.querySelectorAll(".select2-selection[aria-owns], .select2-selection[aria-controls]")
            .forEach(controls);
    }

    // Select2 draws its box when the page is ready and redraws parts of it on every choice.
    // Each change is answered once the browser has a moment (one pass for a burst).
    let waiting = false;
    const observer = new MutationObserver(function () {
        if (!waiting) {
            waiting = true;
            window.requestAnimationFrame(function () {
                waiting = false;
                nameAll();
            });
        }
    });

    function start() {
        nameAll();
        observer.observe(document.body, {
            childList: true,
            subtree: true,
            attributes: true,
            attributeFilter: ["aria-owns"],
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}
