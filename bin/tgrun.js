#!/usr/bin/env node
// The tgrun command (see lib/launcher/tgrun.ts); the package's build puts it in dist/.
require('../dist/launcher/tgrun.js').main();
