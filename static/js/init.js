// Start GOV.UK Frontend's components (menu toggle, error summary focus, details,
// conditional reveals) and the app's own progressive enhancements.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { initAddAnother } from "./add-another.js";

initAll();
initAddAnother();
