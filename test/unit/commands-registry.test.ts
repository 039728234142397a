import {describe, expect, it} from 'vitest';
import {commandEntries} from '../../source/commands/index.js';
import {leadingWords, resolveCommand} from '../../source/main.js';

describe('the command registry', () => {
	it('registers each command under the name its module gives it, once', async () => {
		const names = await Promise.all(commandEntries.map(async (entry) => (await entry.load()).name));
		expect(names).toEqual(commandEntries.map((e) => e.name));
		expect(new Set(names).size).toBe(names.length);
	});

	it('gives every command a summary, a usage line and an example', async () => {
		for (const entry of commandEntries) {
			const spec = await entry.load();
			expect(spec.summary, spec.name).not.toBe('');
			expect(spec.usage, spec.name).toMatch(new RegExp(`^rqc ${spec.name}`));
			expect(spec.examples.length, spec.name).toBeGreaterThan(0);
		}
	});
});

describe('finding the command on the command line', () => {
	it.each([
		[['status'], ['status']],
		[['--json', 'compare', 'v1', 'v2', '--threshold', '5%'], ['compare', 'v1', 'v2']],
		[['--database-url', 'postgres://x/y', 'doctor'], ['doctor']],
		[['--database-url=postgres://x/y', 'bench', 'run', 'suite.yaml'], ['bench', 'run', 'suite.yaml']],
		[['--verbose'], []],
	])('%j → words %j', (argv, words) => {
		expect(leadingWords(argv)).toEqual(words);
	});

	it.each([
		[['bench', 'run', 'x.yaml'], 'bench run'],
		[['bench', 'list'], 'bench list'],
		[['compare', 'a', 'b'], 'compare'],
		[['nope'], undefined],
		[['bench'], undefined],
	])('%j → %s', (words, name) => {
		expect(resolveCommand(words).entry?.name).toBe(name);
	});
});
