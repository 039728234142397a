/**
 * rqc's own files are private to their owner (issue 11, point 3): directories 0700, files 0600.
 * PGlite sets 0666 on the files it creates whatever the umask, so its directory is made private
 * again after it writes; a directory that is 0700 already keeps others out in between.
 */
import {chmodSync, lstatSync, mkdirSync, readdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Whether an existing directory may be made 0700: only one of the user's own, and never a shared
 * one (sticky, like /tmp), the home directory or the root, whatever a setting points at.
 */
function isSafeToTighten(dir: string, stats: {mode: number; uid: number}): boolean {
	const resolved = path.resolve(dir);
	if ((stats.mode & 0o1000) !== 0) return false;
	if (resolved === path.parse(resolved).root || resolved === path.resolve(os.homedir()) || resolved === path.resolve(os.tmpdir())) return false;
	return process.getuid === undefined || stats.uid === process.getuid();
}

/**
 * Creates dir (and missing parents) 0700. An existing directory of the user's own is tightened to
 * 0700 too; a shared one (/tmp, the home directory) is left as it is.
 */
export function ensurePrivateDir(dir: string): void {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const stats = lstatSync(dir);
	if ((stats.mode & 0o077) !== 0 && isSafeToTighten(dir, stats)) chmodSync(dir, 0o700);
}

/**
 * Makes every file under dir 0600 (keeping the owner's execute bit) and every directory 0700.
 * Returns how many modes it changed. Entries that vanish meanwhile are skipped.
 */
export function makeTreePrivate(dir: string): number {
	let changed = 0;
	const visit = (current: string): void => {
		let entries;
		try {
			entries = readdirSync(current, {withFileTypes: true});
		} catch {
			return;
		}

		for (const entry of entries) {
			const full = path.join(current, entry.name);
			try {
				if (entry.isDirectory()) {
					if ((lstatSync(full).mode & 0o077) !== 0) {
						chmodSync(full, 0o700);
						changed++;
					}

					visit(full);
				} else if (entry.isFile()) {
					const {mode} = lstatSync(full);
					if ((mode & 0o077) !== 0) {
						chmodSync(full, (mode & 0o700) | 0o600);
						changed++;
					}
				}
			} catch {
				// Removed while we walked: nothing to protect.
			}
		}
	};

	try {
		const stats = lstatSync(dir);
		if (!isSafeToTighten(dir, stats)) return changed;
		if ((stats.mode & 0o077) !== 0) {
			chmodSync(dir, 0o700);
			changed++;
		}
	} catch {
		return changed;
	}

	visit(dir);
	return changed;
}
