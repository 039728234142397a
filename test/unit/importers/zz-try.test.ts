import {readFileSync, readdirSync} from 'node:fs';
import {test} from 'vitest';
import {parseImport, detectFormat} from '../../../source/importers/index.js';
test('try', () => {
for (const f of readdirSync('/work/main/fixtures/importers').filter((f) => f.includes('.'))) {
	const text = readFileSync(`/work/main/fixtures/importers/${f}`, 'utf8');
	const r = parseImport(text, {fileName: f});
	console.log(f, detectFormat(text), r.source, r.runs.map((x) => [x.suite, x.samples.length, JSON.stringify(x.environment).slice(0, 150)]), r.notes);
	console.log('  ', JSON.stringify(r.runs[0]!.samples[0]), JSON.stringify(r.runs[0]!.samples.at(-1)));
}
});
