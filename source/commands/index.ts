/** The command registry: cli.tsx parses and dispatches from this list; --help is built from it. */
import {doctorCommand} from './doctor.js';
import {statusCommand} from './status.js';
import type {CommandSpec} from './types.js';

export const commands: readonly CommandSpec[] = [
	statusCommand,
	doctorCommand,
];
