// Rewrites the key list in README.md from the keymap table (source/ui/keymap.ts, built to dist/).
import {readFileSync, writeFileSync} from 'node:fs';
import {keymap, renderKeymapMarkdown} from '../dist/ui/keymap.js';

const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/(<!-- keymap:start[^>]*-->\n)[\s\S]*?(<!-- keymap:end -->)/, `$1${renderKeymapMarkdown(keymap)}\n$2`);
writeFileSync('README.md', next);
