// Starts GOV.UK Frontend's components (exit this page, character counts, conditional reveals).
import { initAll } from "./govuk-frontend.min.js";

initAll();
