// Start GOV.UK Frontend's components (menu toggle, error summary focus, details).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
