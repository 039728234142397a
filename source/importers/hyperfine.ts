/**
 * hyperfine --export-json: {"results": [{"command", "times": [s...], "exit_codes": [...],
 * "memory_usage_byte"?: [...], "parameters"?: {...}, mean/median/user/system summaries}]}.
 * Every entry of `times` becomes one sample; the summaries are not samples and are not kept.
 */
import {JsonReader, parseJsonDocument} from './json-document.js';
import type {ImportedSample, ParseOptions, ParsedImport} from './types.js';
import {toNs} from './units.js';

export function parseHyperfine(text: string, options: ParseOptions): ParsedImport {
	const read = new JsonReader(options.fileName);
	const root = read.object(parseJsonDocument(text, options.fileName), '(root)');
	const results = read.array(root.results, 'results');
	if (results.length === 0) read.fail('results', 'the export has no results (empty array)');

	const samples: ImportedSample[] = [];
	const seen = new Set<string>();
	for (const [index, raw] of results.entries()) {
		const path = `results[${index}]`;
		const result = read.object(raw, path);
		const command = read.string(result.command, `${path}.command`);
		if (seen.has(command)) read.fail(`${path}.command`, `the command ${JSON.stringify(command)} appears twice`);
		seen.add(command);
		const times = read.array(result.times, `${path}.times`);
		if (times.length === 0) read.fail(`${path}.times`, 'no timings (empty array)');
		const exitCodes = result.exit_codes === undefined ? undefined : read.array(result.exit_codes, `${path}.exit_codes`);
		if (exitCodes && exitCodes.length !== times.length) {
			read.fail(`${path}.exit_codes`, `has ${exitCodes.length} entries but times has ${times.length}`);
		}

		const memory = result.memory_usage_byte === undefined ? undefined : read.array(result.memory_usage_byte, `${path}.memory_usage_byte`);
		if (memory && memory.length !== times.length) {
			read.fail(`${path}.memory_usage_byte`, `has ${memory.length} entries but times has ${times.length}`);
		}

		for (const [i, t] of times.entries()) {
			const seconds = read.nonNegative(t, `${path}.times[${i}]`);
			const exitCode = exitCodes === undefined ? undefined : read.number(exitCodes[i], `${path}.exit_codes[${i}]`);
			const rss = memory === undefined ? undefined : read.nonNegative(memory[i], `${path}.memory_usage_byte[${i}]`);
			samples.push({
				caseName: command,
				iteration: i,
				wallNs: toNs(seconds, 1e9),
				...(exitCode === undefined ? {} : {exitCode}),
				...(rss === undefined ? {} : {maxRssBytes: rss}),
			});
		}
	}

	return {
		format: 'hyperfine',
		source: {tool: 'hyperfine'},
		runs: [{suite: 'hyperfine', environment: {}, samples}],
		notes: ['hyperfine exports do not record hyperfine\'s version; the run\'s source names the tool without one'],
	};
}
