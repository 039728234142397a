import {defineConfig} from 'vitest/config';

// Unit and component tests run in parallel. Integration and end-to-end tests share one Docker
// engine, one PostgreSQL and one Redis (and one test restarts dockerd), so their files run one
// at a time.
export default defineConfig({
	test: {
		reporters: ['default', './test/helpers/summary-reporter.ts'],
		projects: [
			{
				test: {name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], testTimeout: 20_000},
			},
			{
				test: {
					name: 'integration',
					// Names the real services this run has; under CI=true a missing one fails here.
					globalSetup: ['./test/helpers/global-setup.ts'],
					include: ['test/integration/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}'],
					fileParallelism: false,
					testTimeout: 120_000,
					hookTimeout: 180_000,
				},
			},
		],
	},
});
