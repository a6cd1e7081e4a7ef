// Starts GOV.UK Frontend's components (error summary focus, password reveal, service navigation
// menu, ...). Loaded by templates/base.html as a module; the library's URL comes from the script
// tag's data-govuk-frontend attribute, so it is the hashed static URL Django generated.
const script = document.querySelector("script[data-govuk-frontend]");
import(script.dataset.govukFrontend).then(({ initAll }) => initAll());

// Table scroll regions ({% scroll_table %}): show the "scroll sideways" hint on those that are
// wider than their space, now and whenever the window changes size. A wrapper written without the
// tag gets the region's role, label (the table's caption) and keyboard focus here.
function markScrollingTables() {
  for (const wrap of document.querySelectorAll(".apc-table-wrap")) {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("apc-table-wrap--scrolls", scrolls);
    if (scrolls && !wrap.hasAttribute("role")) {
      const caption = wrap.querySelector("caption");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      wrap.tabIndex = 0;
    }
  }
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);
