/** rqc logs SERVICE: a service's log through the compose CLI, followed with --follow. */
import {ExternalError, UserError} from '../errors.js';
import {buildLogsArgs, getComposeProfiles, getComposeServices, runCompose, withReadOnlyPlaceholders} from '../docker/compose.js';
import type {CommandSpec} from './types.js';
import {detectCompose, verifyService} from '../docker/compose.js';
import {openStack} from './compose-common.js';

/** The --tail value; UserError unless a whole number >= 0. Pure. */
export function parseTail(value: unknown): number | undefined {
	if (value === undefined) return undefined;
	const tail = Number(value);
	if (!Number.isInteger(tail) || tail < 0) throw new UserError(`--tail must be a whole number of lines${Number.isNaN(tail) ? '' : `, not ${String(value)}`}`, 'e.g. --tail 100');
	return tail;
}

export const logsCommand: CommandSpec = {
	name: 'logs',
	summary: 'Show a stack service\'s log (--follow to keep reading)',
	usage: 'rqc logs SERVICE [--follow] [--tail N]',
	examples: ['rqc logs timescaledb', 'rqc logs redis --follow', 'rqc logs benchmark-runner --tail 50'],
	flags: {
		follow: {type: 'boolean', shortFlag: 'f', default: false, description: 'Keep printing new lines until Ctrl-C'},
		tail: {type: 'number', description: 'Only the last N lines'},
	},
	async run(context) {
		const [service] = context.args;
		if (!service) throw new UserError('rqc logs needs a service name', 'e.g. rqc logs timescaledb (rqc ps lists them)');
		const tail = parseTail(context.flags.tail);
		const {target: baseTarget} = await openStack(context);
		const cli = await detectCompose();
		const target = withReadOnlyPlaceholders(baseTarget);
		verifyService(service, await getComposeServices(cli, target));
		const profiles = await getComposeProfiles(cli, target);
		const write = context.isJson
			? (line: string) => context.stdout.write(`${JSON.stringify({service, line})}\n`)
			: (line: string) => context.stdout.write(`${line}\n`);
		try {
			await runCompose(cli, target, buildLogsArgs(service, {follow: context.flags.follow === true, tail}), {
				profiles,
				signal: context.signal,
				// v1 prints "Attaching to ..." on stdout; the log lines themselves are what matter.
				onLine: (line) => {
					if (!/^Attaching to /.test(line)) write(line);
				},
			});
		} catch (error) {
			// Ctrl-C ends --follow: that is the normal way out.
			if (context.signal.aborted && error instanceof ExternalError) return 0;
			throw error;
		}

		return 0;
	},
};
