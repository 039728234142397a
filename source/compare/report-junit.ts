/**
 * `rqc compare --format junit`: one testcase per case, in the JUnit XML that GitLab, Jenkins and
 * the GitHub test-report actions read (the Jenkins junit-10.xsd shape: testsuites > testsuite >
 * properties, testcase > failure | error | skipped | system-out). Regression and failing are
 * failures with the numbers in the message, missing is an error (skipped with --allow-missing),
 * too few samples is skipped; a comparison with no case in common is one more error. Pure.
 */
import type {ComparisonReport} from './load-comparison.js';
import type {CaseComparison} from './compare-samples.js';
import {
	describeVerdict, formatChange, formatChangeInterval, formatP, formatValue, summarizeComparison, type GateOptions,
} from './format.js';
import {VERDICT_LABELS} from './verdicts.js';

/** Text safe in an XML 1.0 attribute or element: entities for markup, U+FFFD for characters XML forbids. */
export function escapeXml(text: string): string {
	return text
		// XML 1.0 allows tab, newline, carriage return and everything from U+0020 but lone surrogates and U+FFFE/F.
		.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll('\'', '&apos;')
		.replaceAll('\n', '&#10;')
		.replaceAll('\r', '&#13;')
		.replaceAll('\t', '&#9;');
}

function attributes(values: Readonly<Record<string, string | number>>): string {
	return Object.entries(values).map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`).join('');
}

/** The numbers of a case in one line: "+20.0% [+18.9%, +21.1%], p <0.001 (holm), base 10.0 ms → candidate 12.0 ms, n 20/20". */
function describeNumbers(row: CaseComparison, report: ComparisonReport): string {
	const {unit, result} = report;
	const parts: string[] = [];
	const change = formatChange(row, unit);
	if (change !== '-') parts.push(`${change} ${formatChangeInterval(row, unit)}`.trim());
	if (row.pAdjusted !== undefined) parts.push(`p ${formatP(row.pAdjusted)} (${result.correction})`);
	parts.push(`base ${formatValue(row.base?.median, unit)} → candidate ${formatValue(row.adjustedCandidateMedian ?? row.candidate?.median, unit)}`, `n ${row.base?.n ?? 0}/${row.candidate?.n ?? 0}`);
	return parts.join(', ');
}

/** The JUnit XML document. */
export function formatComparisonJunit(report: ComparisonReport, options: GateOptions = {}): string {
	const {result} = report;
	const title = `rqc compare ${report.base.selector} → ${report.candidate.selector} (${report.metric})`;
	const testcases: string[] = [];
	let failures = 0;
	let errors = 0;
	let skipped = 0;
	const suites = [...new Set([...report.base.suites, ...report.candidate.suites])];
	const isQualified = suites.length > 1;
	for (const row of result.cases) {
		// Case names are suite-qualified ("api/parse") when the sides span several suites.
		const suite = isQualified ? row.caseName.slice(0, row.caseName.indexOf('/')) : (suites[0] ?? 'suite');
		const head = `    <testcase${attributes({name: row.caseName, classname: `rqc.compare.${suite}`, time: 0})}`;
		const message = `${describeVerdict(row)}: ${describeNumbers(row, report)}`;
		let kind = VERDICT_LABELS[row.verdict].junit;
		if (row.verdict === 'missing' && options.allowMissing) kind = 'skipped';
		if (kind === 'failure') {
			failures++;
			testcases.push(`${head}>\n      <failure${attributes({message, type: row.verdict})}>${escapeXml(message)}</failure>\n    </testcase>`);
		} else if (kind === 'error') {
			errors++;
			testcases.push(`${head}>\n      <error${attributes({message, type: row.verdict})}>${escapeXml(message)}</error>\n    </testcase>`);
		} else if (kind === 'skipped') {
			skipped++;
			testcases.push(`${head}>\n      <skipped${attributes({message: row.verdict === 'missing' ? `${message} (accepted by --allow-missing)` : `${message}; need ${result.minSamples} a side`})}/>\n    </testcase>`);
		} else {
			testcases.push(`${head}>\n      <system-out>${escapeXml(message)}</system-out>\n    </testcase>`);
		}
	}

	if (result.commonCases === 0) {
		errors++;
		testcases.push(`    <testcase${attributes({name: 'cases in common', classname: 'rqc.compare.gate', time: 0})}>\n      <error${attributes({message: 'no case in common between base and candidate: the comparison tested nothing', type: 'no-common-case'})}/>\n    </testcase>`);
	}

	const counts = {tests: testcases.length, failures, errors, skipped, time: 0};
	const properties = {
		'base': report.base.selector,
		'base.environment': report.base.environmentLabel,
		'candidate': report.candidate.selector,
		'candidate.environment': report.candidate.environmentLabel,
		'metric': report.metric,
		'adjusted': report.isAdjusted ? 'yes' : 'no',
		'summary': summarizeComparison(result),
		...(report.warnings.length > 0 ? {warnings: report.warnings.join('; ')} : {}),
	};
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		// junit-10.xsd: testsuites has no skipped attribute.
		`<testsuites${attributes({name: title, tests: counts.tests, failures, errors, time: 0})}>`,
		`  <testsuite${attributes({name: title, ...counts})}>`,
		'    <properties>',
		...Object.entries(properties).map(([name, value]) => `      <property${attributes({name, value})}/>`),
		'    </properties>',
		...testcases,
		'  </testsuite>',
		'</testsuites>',
		'',
	].join('\n');
}
