/** rqc ps: the stack's services, their state and health, from the engine. */
import {getStackServices} from '../docker/stack.js';
import {describeProgress} from '../docker/stack.js';
import type {CommandSpec} from './types.js';
import {formatTable} from '../text/table.js';
import {formatPorts, openStack, serviceToJson} from './compose-common.js';

export const psCommand: CommandSpec = {
	name: 'ps',
	summary: 'List the compose stack\'s services with their state and health',
	usage: 'rqc ps [--json]',
	examples: ['rqc ps', 'rqc ps --json'],
	flags: {},
	async run(context) {
		const {docker, target} = await openStack(context);
		const services = await getStackServices(docker, target.project);
		if (context.isJson) {
			context.stdout.write(`${JSON.stringify({project: target.project, services: services.map(serviceToJson)}, null, 2)}\n`);
			return 0;
		}

		if (services.length === 0) {
			context.stdout.write(`No containers in compose project ${target.project}: \`rqc up\` starts the stack.\n`);
			return 0;
		}

		const rows = services.map((state) => [state.service, state.state, describeProgress(state), formatPorts(state), state.name]);
		context.stdout.write(`${formatTable(['SERVICE', 'STATE', 'STATUS', 'PORTS', 'CONTAINER'], rows)}\n`);
		return 0;
	},
};
