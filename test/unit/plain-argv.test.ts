/**
 * issue 13: a plain command line (words and `--name` booleans) is parsed without loading meow.
 * For every command, the plain parse must give exactly what meow gives, and anything that is
 * not plain must be left to meow.
 */
import meow from 'meow';
import {describe, expect, it} from 'vitest';
import {loadAllCommands} from '../../source/commands/index.js';
import type {CommandSpec} from '../../source/commands/types.js';
import {meowFlagsOf, parsePlainArgv} from '../../source/main.js';

const commands = await loadAllCommands();
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function withMeow(argv: readonly string[], command: CommandSpec | undefined) {
	const cli = meow('', {importMeta: import.meta, argv: [...argv], flags: meowFlagsOf(command), allowUnknownFlags: false, autoHelp: false, autoVersion: false, description: false});
	return {flags: cli.flags as Record<string, unknown>, input: cli.input};
}

describe('parsing a plain command line without meow', () => {
	it.each([...commands.map((c) => [c.name, c] as const), ['(no command)', undefined] as const])('gives what meow gives for %s', (_name, command) => {
		const words = command ? command.name.split(' ') : [];
		const booleans = Object.entries(meowFlagsOf(command)).filter(([name, flag]) => flag.type === 'boolean' && name !== 'help' && name !== 'version').map(([name]) => `--${kebab(name)}`);
		expect(booleans).toContain('--json');
		const lines = [
			words,
			[...words, '--json'],
			['--json', ...words, 'v1', 'x y'],
			[...words, ...booleans],
			[...words, '1', '0x10', ...booleans.reverse(), 'tail'],
		];
		for (const argv of lines) {
			const plain = parsePlainArgv(argv, meowFlagsOf(command));
			expect(plain, argv.join(' ')).toEqual(withMeow(argv, command));
		}
	});

	it.each([
		[['releases', '--json', '--json']],
		[['releases', '--no-json']],
		[['releases', '--json=true']],
		[['releases', '--database-url', 'postgres://x/y']],
		[['releases', '-h']],
		[['releases', '--no-such-flag']],
		[['releases', '--', '--json']],
		[['compare', 'a', 'b', '--threshold', '-5%']],
		[['logs', '-f']],
	])('leaves %j to meow', (argv) => {
		const command = commands.find((c) => c.name === argv[0]);
		expect(parsePlainArgv(argv, meowFlagsOf(command))).toBeUndefined();
	});
});
