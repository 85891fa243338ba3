// Options, export section (issue 11): which export suits which move, and links to the export page
// (extension/export/export.html) with the format chosen. The page asks for the password again (or,
// without a password, for a confirmation) before anything leaves the vault; nothing is exported here.
import { applyI18n } from '../lib/i18n.js';

const section = document.getElementById('export-section');
applyI18n(section);
section.hidden = false;
