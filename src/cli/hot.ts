// What every run with a cached session executes, mfa-env's export and
// mfa-exec's alike: the export command and what it reaches (the profile
// reader, the store, the session cache, the shells), and the entries' common
// parts. scripts/build.mjs makes every bundled file import this one, so all
// of it lands in one shared chunk: a cached run loads its entry and this
// chunk, not one chunk per combination of importers. What only one program
// uses (mfa-exec's child handling, mfa-env's fast parser) stays in its entry.
import '../commands/export.js';
import '../aws/extra-ca.js';
import './complete-flags.js';
import './options.js';
import './run.js';
