// /proc readers shared by rqc's performance scripts: a process's CPU time and resident memory,
// and the Docker engine's processes (dockerd, containerd, and the shims of the watched containers).
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;

/** utime+stime of a process, in seconds; 0 if it is gone. */
export function cpuSeconds(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// After the comm field: state is fields[0]; utime and stime are stat fields 14 and 15.
		return (Number(fields[11]) + Number(fields[12])) / TICKS;
	} catch {
		return 0;
	}
}

/** VmRSS of a process, in MiB; 0 if it is gone. */
export function rssMiB(pid) {
	try {
		const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Number(kb) / 1024 : 0;
	} catch {
		return 0;
	}
}

/**
 * dockerd, containerd and the shims of the watched containers (shims of other containers on a
 * shared machine would only add noise; their cost does not depend on who watches ours).
 */
export function enginePids(watchedIds) {
	const pids = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let comm = '';
		try {
			comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
		} catch {
			continue;
		}

		if (comm === 'dockerd' || comm === 'containerd') pids.push(Number(entry));
		else if (comm.startsWith('containerd-shim')) {
			try {
				const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
				const id = argv[argv.indexOf('-id') + 1];
				if (id && watchedIds.has(id)) pids.push(Number(entry));
			} catch {
				// Gone.
			}
		}
	}

	return pids;
}

/** The CPU seconds the engine's processes have used so far. */
export function engineCpu(watchedIds) {
	return enginePids(watchedIds).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}
