import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {keymap, renderKeymapMarkdown} from '../../source/ui/keymap.js';
import {loadAllCommands} from '../../source/commands/index.js';

const commands = await loadAllCommands();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README stays true', () => {
	it('lists exactly the keys of the keymap table (regenerate with: npm run docs:keys)', () => {
		const match = /<!-- keymap:start[^>]*-->\n([\s\S]*?)\n?<!-- keymap:end -->/.exec(readme);
		expect(match, 'README has the keymap markers').not.toBeNull();
		expect(match![1]!.trim()).toBe(renderKeymapMarkdown(keymap));
	});

	it('names every command', () => {
		for (const command of commands) expect(readme).toContain(`rqc ${command.name}`);
	});

	it('gives the two commands a new user needs', () => {
		expect(readme).toContain('npm install && npm start');
		expect(readme).toContain('npm test');
	});
});
