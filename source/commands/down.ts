/** rqc down: stops and removes the stack's containers and network (and volumes with --volumes). */
import {buildDownArgs, getComposeProfiles, runCompose, withReadOnlyPlaceholders} from '../docker/compose.js';
import {getStackServices} from '../docker/stack.js';
import type {CommandSpec} from './types.js';
import {makeLineWriter, openCompose, openStack} from './compose-common.js';

export const downCommand: CommandSpec = {
	name: 'down',
	summary: 'Stop and remove the compose stack (its data volumes too with --volumes)',
	usage: 'rqc down [--volumes]',
	examples: ['rqc down', 'rqc down --volumes'],
	flags: {
		volumes: {type: 'boolean', default: false, description: 'Also remove the named volumes: the database, Redis and Grafana data'},
	},
	async run(context) {
		const isVolumes = context.flags.volumes === true;
		const {docker, target: baseTarget} = await openStack(context);
		const cli = await openCompose();
		const target = withReadOnlyPlaceholders(baseTarget);
		const before = await getStackServices(docker, target.project);
		// Every profile, so the runner and Grafana go too whichever profiles started them.
		const profiles = await getComposeProfiles(cli, target);
		for (const args of buildDownArgs({volumes: isVolumes})) {
			await runCompose(cli, target, args, {profiles, onLine: makeLineWriter(context), signal: context.signal});
		}

		const after = await getStackServices(docker, target.project);
		if (context.isJson) {
			context.stdout.write(`${JSON.stringify({project: target.project, removed: before.map((state) => state.name), remaining: after.map((state) => state.name), isVolumesRemoved: isVolumes}, null, 2)}\n`);
		} else {
			context.stderr.write(`Stack ${target.project} down: ${before.length} container${before.length === 1 ? '' : 's'} removed${isVolumes ? ', volumes removed' : '; data volumes kept (rqc down --volumes removes them)'}.\n`);
		}

		return after.length === 0 ? 0 : 1;
	},
};
