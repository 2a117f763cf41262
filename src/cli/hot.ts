// What every run with a cached session executes, mfa-env's export and
// mfa-exec's alike: the export command and what it reaches (the profile
// reader, the store, the session cache, the shells), and the entries' common
// parts. scripts/build.mjs makes every module of src/ import this one, so
// all of it lands in one shared chunk: a cached run loads its entry and this
// chunk, not one chunk per combination of importers. What only one program
// uses (mfa-exec's child handling, mfa-env's fast parser) stays in its entry;
// what one program shares with a cold command is named here.
// test/integration/build.test.ts fails when a cached run loads more.
import '../commands/export.js';
import '../aws/extra-ca.js';
import '../os/path-search.js'; // mfa-exec's command lookup; doctor's too
import '../exec/foreground.js'; // mfa-exec's signal forwarding; a prompt's check that it may ask
import './complete.js'; // completion, in both programs
import './parse.js'; // both programs' command line
import './options.js';
import './run.js';
