/**
 * A full disk, recognised and named: Node's ENOSPC/EDQUOT, PostgreSQL's (and PGlite's) class 53
 * "insufficient resources" errors. The messages name the disk by its mount point and the path
 * rqc wanted to write, so the user knows what to free.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {ExternalError} from '../errors.js';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', '53100']);

/** Whether error says the disk (or the user's quota) is full. Pure. */
export function isDiskFullError(error: unknown): boolean {
	if (typeof error !== 'object' || error === null) return false;
	const {code, message, cause} = error as {code?: unknown; message?: unknown; cause?: unknown};
	if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
	// The embedded store's file system (Emscripten) throws {name: 'ErrnoError', errno: 51}: WASI's ENOSPC.
	const {name, errno} = error as {name?: unknown; errno?: unknown};
	if (name === 'ErrnoError' && errno === 51) return true;
	if (typeof message === 'string' && /no space left on device|disk quota exceeded|could not extend file/i.test(message)) return true;
	return cause !== undefined && cause !== error && isDiskFullError(cause);
}

/** The mount point holding file, from /proc/mounts' text (the longest matching prefix). Pure. */
export function findMountPoint(file: string, mountsText: string): string {
	const target = path.resolve(file);
	let best = '/';
	for (const line of mountsText.split('\n')) {
		const mountPoint = line.split(' ')[1]?.replaceAll('\\040', ' ');
		if (mountPoint === undefined || mountPoint === '') continue;
		const isInside = target === mountPoint || target.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
		if (isInside && mountPoint.length > best.length) best = mountPoint;
	}

	return best;
}

/** "the disk mounted at /var (holding /var/lib/rqc)", read now; falls back to the path alone. */
export function describeDisk(file: string): string {
	let mounts = '';
	try {
		mounts = readFileSync('/proc/mounts', 'utf8');
	} catch {
		return `the disk holding ${file}`;
	}

	return `the disk mounted at ${findMountPoint(file, mounts)} (holding ${file})`;
}

/** The one-line error for a disk that filled up while rqc wrote `what` under `file` (exit 1). */
export function createDiskFullError(file: string, what: string, cause: unknown): ExternalError {
	return new ExternalError(`write ${file}`, `${describeDisk(file)} is full: cannot write ${what}`, '',
		`free space on that disk (old files under ${file}, docker system prune, logs) or point RQC_DATA_DIR at another disk, then run again`, {cause});
}
