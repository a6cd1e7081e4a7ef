// Starts GOV.UK Frontend's components (error summary focus, password reveal, service navigation
// menu, ...). Loaded by templates/base.html as a module; the library's URL comes from the script
// tag's data-govuk-frontend attribute, so it is the hashed static URL Django generated.
const script = document.querySelector("script[data-govuk-frontend]");
import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
