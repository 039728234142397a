/**
 * The command registry. Each entry names a command and loads its module only when that command
 * runs (or when --help lists them all), so `rqc compare --json` never pays for dockerode, execa
 * or Ink. A test checks that every module's spec carries the name it is registered under.
 */
import type {CommandSpec} from './types.js';

export interface CommandEntry {
	readonly name: string;
	load(): Promise<CommandSpec>;
}

export const commandEntries: readonly CommandEntry[] = [
	{name: 'status', load: async () => (await import('./status.js')).statusCommand},
	{name: 'doctor', load: async () => (await import('./doctor.js')).doctorCommand},
	{name: 'up', load: async () => (await import('./up.js')).upCommand},
	{name: 'down', load: async () => (await import('./down.js')).downCommand},
	{name: 'ps', load: async () => (await import('./ps.js')).psCommand},
	{name: 'logs', load: async () => (await import('./logs.js')).logsCommand},
	{name: 'bench run', load: async () => (await import('./bench-run.js')).benchRunCommand},
	{name: 'bench list', load: async () => (await import('./bench-run.js')).benchListCommand},
	{name: 'calibrate', load: async () => (await import('./calibrate.js')).calibrateCommand},
	{name: 'compare', load: async () => (await import('./compare.js')).compareCommand},
	{name: 'releases', load: async () => (await import('./releases.js')).releasesCommand},
	{name: 'history', load: async () => (await import('./history.js')).historyCommand},
	{name: 'import', load: async () => (await import('./import.js')).importCommand},
	{name: 'export', load: async () => (await import('./export.js')).exportCommand},
	{name: 'demo', load: async () => (await import('./demo.js')).demoCommand},
];

/** Every command's spec, in registry order (loads every command module). */
export async function loadAllCommands(): Promise<CommandSpec[]> {
	return Promise.all(commandEntries.map(async (entry) => entry.load()));
}
