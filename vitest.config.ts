import {configDefaults, defineConfig} from 'vitest/config';

// Vitest runs the three projects one after another (sequence.groupOrder). Unit and component tests
// run in parallel. Integration and end-to-end tests share one Docker engine, one PostgreSQL and
// one Redis (and one test restarts dockerd), so their files run one at a time. The measurement
// tests decide verdicts from times measured on this machine (calibration, adjusted comparisons):
// they run last, one file at a time, with nothing else of the run beside them.
const MEASUREMENT = ['test/integration/calibration/adjusted-comparison.test.ts', 'test/integration/compare/compare.test.ts'];

// What the integration and measurement projects share: the real services, one file at a time.
const withServices = {
	// Names the real services this run has; under CI=true a missing one fails here.
	globalSetup: ['./test/helpers/global-setup.ts'],
	fileParallelism: false,
	testTimeout: 120_000,
};

export default defineConfig({
	test: {
		reporters: ['default', './test/helpers/summary-reporter.ts'],
		projects: [
			{
				test: {name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], testTimeout: 20_000, sequence: {groupOrder: 0}},
			},
			{
				test: {
					...withServices,
					name: 'integration',
					include: ['test/integration/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}'],
					exclude: [...configDefaults.exclude, ...MEASUREMENT],
					hookTimeout: 180_000,
					sequence: {groupOrder: 1},
				},
			},
			{
				test: {...withServices, name: 'measurement', include: MEASUREMENT, hookTimeout: 600_000, sequence: {groupOrder: 2}},
			},
		],
	},
});
