import {describe, expect, test} from 'vitest';
import {parseSampleRetention} from '../../../source/store/sql-store.js';

// issue 13: raw samples are kept unless the user opts into retention.
describe('RQC_SAMPLE_RETENTION', () => {
	test.each([[undefined], [''], ['  '], ['off'], ['keep'], ['never']])('%j keeps every raw sample', (text) => {
		expect(parseSampleRetention(text)).toBeUndefined();
	});

	test.each([['730 days', '730 days'], ['2 years', '2 years'], [' 6 Months ', '6 months'], ['1 week', '1 week']])('%j is a period', (text, period) => {
		expect(parseSampleRetention(text)).toBe(period);
	});

	test.each([['forever'], ['0 days'], ['2y'], ['-3 days'], ['730']])('%j is refused with the fix', (text) => {
		expect(() => parseSampleRetention(text)).toThrow(expect.objectContaining({name: 'UserError', exitCode: 2, message: expect.stringContaining('RQC_SAMPLE_RETENTION')}));
	});
});
