import {describe, expect, it} from 'vitest';
import {describeTimescaleProblem} from '../../../source/store/sql-store.js';

describe('describeTimescaleProblem (issue 11: installed but not preloaded killed every command)', () => {
	it.each([
		[{available: false, installed: false, preloaded: false}, undefined],
		[{available: true, installed: true, preloaded: true}, undefined],
		[{available: true, installed: false, preloaded: false}, /installed but not preloaded.*shared_preload_libraries = 'timescaledb'.*restart PostgreSQL/],
		[{available: true, installed: true, preloaded: false}, /installed but not preloaded/],
		[{available: true, installed: false, preloaded: true}, /CREATE EXTENSION timescaledb failed.*plain tables/],
	])('%j', (state, expected) => {
		const text = describeTimescaleProblem(state);
		if (expected === undefined) expect(text).toBeUndefined();
		else expect(text).toMatch(expected);
	});
});
