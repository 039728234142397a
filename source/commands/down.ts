/** rqc down: stops and removes the stack's containers and network (and volumes with --volumes). */
import {getStackEnvFile} from '../config.js';
import {bringStackDown} from '../docker/stack-control.js';
import type {CommandSpec} from './types.js';
import {makeLineWriter} from './compose-common.js';

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
		const result = await bringStackDown({config: context.config, env: context.env, volumes: isVolumes, onLine: makeLineWriter(context), signal: context.signal});
		if (context.isJson) {
			context.stdout.write(`${JSON.stringify({...result, isVolumesRemoved: isVolumes}, null, 2)}\n`);
		} else {
			const count = result.removed.length;
			context.stderr.write(`Stack ${result.project} down: ${count} container${count === 1 ? '' : 's'} removed${isVolumes ? ', volumes removed' : '; data volumes kept (rqc down --volumes removes them)'}.\n`);
		}

		// Issue 11, point 13: say why later commands will find no database, and the way back.
		if (context.config.sources.databaseUrl === 'dotenv') {
			context.stderr.write(`rqc: rqc's database is the stack's (RQC_DATABASE_URL in ${getStackEnvFile(context.env)}): commands that need it fail until rqc up; to use the embedded store instead, set RQC_DATABASE_URL= and REDIS_URL= (empty) in that file.\n`);
		}

		return result.remaining.length === 0 ? 0 : 1;
	},
};
