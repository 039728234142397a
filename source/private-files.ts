/**
 * rqc's own files are private to their owner (issue 11, point 3): directories 0700, files 0600.
 * PGlite sets 0666 on the files it creates whatever the umask, so its directory is made private
 * again after it writes; a directory that is 0700 already keeps others out in between.
 */
import {chmodSync, lstatSync, mkdirSync, readdirSync} from 'node:fs';
import path from 'node:path';

/** Creates dir (and missing parents) and makes it 0700; an existing directory is tightened too. */
export function ensurePrivateDir(dir: string): void {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const {mode} = lstatSync(dir);
	if ((mode & 0o077) !== 0) chmodSync(dir, 0o700);
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
		if ((lstatSync(dir).mode & 0o077) !== 0) {
			chmodSync(dir, 0o700);
			changed++;
		}
	} catch {
		return changed;
	}

	visit(dir);
	return changed;
}
