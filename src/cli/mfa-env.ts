#!/usr/bin/env node
console.error('mfa-env: not yet');
process.exit(1);
