import {chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ensurePrivateDir, makeTreePrivate} from '../../source/private-files.js';

describe('rqc\'s files are private to their owner', () => {
	const dirs: string[] = [];
	afterEach(() => {
		for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	});
	const temp = () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-private-'));
		dirs.push(dir);
		return dir;
	};

	const mode = (file: string) => statSync(file).mode & 0o777;

	// issue 11: the embedded store's files were 0666 (PGlite sets it whatever the umask).
	it('makes files 0600 and directories 0700, keeping the owner\'s execute bit', () => {
		const root = temp();
		mkdirSync(path.join(root, 'base', '1'), {recursive: true});
		chmodSync(path.join(root, 'base'), 0o755);
		writeFileSync(path.join(root, 'base', '1', 'rel'), 'x');
		chmodSync(path.join(root, 'base', '1', 'rel'), 0o666);
		writeFileSync(path.join(root, 'tool'), 'x');
		chmodSync(path.join(root, 'tool'), 0o755);
		writeFileSync(path.join(root, 'already'), 'x');
		chmodSync(path.join(root, 'already'), 0o600);

		const changed = makeTreePrivate(root);
		expect(mode(path.join(root, 'base'))).toBe(0o700);
		expect(mode(path.join(root, 'base', '1', 'rel'))).toBe(0o600);
		expect(mode(path.join(root, 'tool'))).toBe(0o700);
		expect(mode(path.join(root, 'already'))).toBe(0o600);
		expect(changed).toBeGreaterThanOrEqual(3);
		expect(makeTreePrivate(root)).toBe(0);
	});

	// issue 11: a store opened directly under /tmp once made /tmp itself 0700, locking every other user out.
	it('never tightens a shared (sticky) directory such as /tmp, nor walks into it', () => {
		const shared = temp();
		chmodSync(shared, 0o1777);
		writeFileSync(path.join(shared, 'someone-elses'), 'x');
		chmodSync(path.join(shared, 'someone-elses'), 0o644);
		ensurePrivateDir(shared);
		expect(statSync(shared).mode & 0o7777).toBe(0o1777);
		expect(makeTreePrivate(shared)).toBe(0);
		expect(mode(path.join(shared, 'someone-elses'))).toBe(0o644);
	});

	it('creates a private directory, and tightens an existing one', () => {
		const root = temp();
		const fresh = path.join(root, 'a', 'b');
		ensurePrivateDir(fresh);
		expect(mode(fresh)).toBe(0o700);
		const loose = path.join(root, 'loose');
		mkdirSync(loose, {mode: 0o755});
		chmodSync(loose, 0o755);
		ensurePrivateDir(loose);
		expect(mode(loose)).toBe(0o700);
	});
});
