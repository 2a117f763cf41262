#!/usr/bin/env node
console.error('mfa-exec: not yet');
process.exit(1);
