/** Where no bundle was built (the TypeScript sources, as the tests run them), pg comes from node_modules. */
import {expect, it} from 'vitest';
import {loadPg, loadPgAgain, PG_BUNDLE} from '../../../source/store/pg-load.js';

it('loads pg from node_modules without a bundle beside the sources, BIGINT as a number, and once per process', () => {
	expect(PG_BUNDLE).toMatch(/source\/vendor\/pg\.cjs$/);
	const {pg, kind} = loadPgAgain();
	expect(kind).toBe('node_modules');
	expect(pg.types.getTypeParser(20)('42')).toBe(42);
	expect('navigator' in globalThis && process.versions.node.startsWith('20.')).toBe(false);
	expect(loadPg()).toBe(loadPg());
});
