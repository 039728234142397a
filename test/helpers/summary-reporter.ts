/**
 * Ends every run with one plain line, "N passed, N failed, N skipped", that any CI can read
 * without knowing vitest's own summary format.
 */
import type {Reporter, TestModule} from 'vitest/node';

export default class SummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
		const counts = {passed: 0, failed: 0, skipped: 0};
		for (const module of testModules) {
			for (const test of module.children.allTests()) {
				const {state} = test.result();
				if (state === 'passed') counts.passed++;
				else if (state === 'failed') counts.failed++;
				else counts.skipped++;
			}

			// A file that failed to load has no tests to count, but it failed.
			if (module.state() === 'failed' && [...module.children.allTests()].length === 0) counts.failed++;
		}

		counts.failed += unhandledErrors.length;
		process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
	}
}
