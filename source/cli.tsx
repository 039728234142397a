#!/usr/bin/env node
/**
 * rqc's entry point, and the only module that exits the process: it runs main() and exits with
 * the code it returns (0 ok, 1 failure, 2 bad usage or input, 3 a needed service unreachable).
 */
import process from 'node:process';
import {EXIT, formatError} from './errors.js';
import {main} from './main.js';

// Unhandled rejections are bugs; report them as such instead of crashing with a raw stack.
process.on('unhandledRejection', (reason) => {
	process.stderr.write(formatError(reason, process.argv.includes('--verbose')) + '\n');
	process.exit(EXIT.failure);
});

const code = await main(process.argv.slice(2), process.env, process, (forced) => process.exit(forced));
// Let stdout drain before exiting (a pipe may still hold output).
process.stdout.write('', () => process.exit(code));
