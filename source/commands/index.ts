/** The command registry: cli.tsx parses and dispatches from this list; --help is built from it. */
import {benchListCommand, benchRunCommand} from './bench-run.js';
import {calibrateCommand} from './calibrate.js';
import {compareCommand} from './compare.js';
import {demoCommand} from './demo.js';
import {doctorCommand} from './doctor.js';
import {downCommand} from './down.js';
import {exportCommand} from './export.js';
import {importCommand} from './import.js';
import {logsCommand} from './logs.js';
import {psCommand} from './ps.js';
import {releasesCommand} from './releases.js';
import {statusCommand} from './status.js';
import type {CommandSpec} from './types.js';
import {upCommand} from './up.js';

export const commands: readonly CommandSpec[] = [
	statusCommand,
	doctorCommand,
	benchRunCommand,
	benchListCommand,
	upCommand,
	downCommand,
	psCommand,
	logsCommand,
	releasesCommand,
	calibrateCommand,
	compareCommand,
	importCommand,
	exportCommand,
	demoCommand,
];
