/** Recognising and naming a full disk, and a lost database connection. */
import {describe, expect, it} from 'vitest';
import {ServiceError} from '../../../source/errors.js';
import {isConnectionError} from '../../../source/store/connection-error.js';
import {findMountPoint, isDiskFullError} from '../../../source/store/disk-full.js';

describe('isDiskFullError', () => {
	it.each([
		{what: 'Node ENOSPC', error: Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}), expected: true},
		{what: 'a quota', error: Object.assign(new Error('EDQUOT'), {code: 'EDQUOT'}), expected: true},
		{what: 'PostgreSQL disk_full', error: Object.assign(new Error('could not extend file "base/1/2": No space left on device'), {code: '53100'}), expected: true},
		{what: 'PGlite\'s file system (WASI ENOSPC)', error: {name: 'ErrnoError', errno: 51}, expected: true},
		{what: 'a wrapped one', error: new Error('insert failed', {cause: Object.assign(new Error('x'), {code: 'ENOSPC'})}), expected: true},
		{what: 'another file system error', error: {name: 'ErrnoError', errno: 44}, expected: false},
		{what: 'a permission error', error: Object.assign(new Error('EACCES'), {code: 'EACCES'}), expected: false},
		{what: 'a SQL error', error: Object.assign(new Error('duplicate key'), {code: '23505'}), expected: false},
		{what: 'not an object', error: 'ENOSPC', expected: false},
	])('$what: $expected', ({error, expected}) => {
		expect(isDiskFullError(error)).toBe(expected);
	});
});

describe('findMountPoint', () => {
	const mounts = [
		'/dev/vda / ext4 rw 0 0',
		'tmpfs /tmp/rqc tmpfs rw 0 0',
		'/dev/vdb /var/lib/docker ext4 rw 0 0',
		'/dev/vdc /mnt/my\\040disk ext4 rw 0 0',
	].join('\n');
	it.each([
		['/tmp/rqc/spool/run-1.jsonl', '/tmp/rqc'],
		['/tmp/rqc', '/tmp/rqc'],
		['/tmp/rqc-other/x', '/'],
		['/var/lib/docker/volumes', '/var/lib/docker'],
		['/mnt/my disk/data', '/mnt/my disk'],
		['/home/u', '/'],
	])('%s is on %s', (file, mountPoint) => {
		expect(findMountPoint(file, mounts)).toBe(mountPoint);
	});
});

describe('isConnectionError (the one copy of the matching)', () => {
	it.each([
		{what: 'a ServiceError', error: new ServiceError('database', 'x'), expected: true},
		{what: 'ECONNREFUSED', error: Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}), expected: true},
		{what: 'admin shutdown 57P01', error: Object.assign(new Error('terminating connection due to administrator command'), {code: '57P01'}), expected: true},
		{what: 'a 08 connection class code', error: Object.assign(new Error('x'), {code: '08006'}), expected: true},
		{what: 'a dropped client', error: new Error('Connection terminated unexpectedly'), expected: true},
		{what: 'a dead pool client', error: new Error('Client has encountered a connection error and is not queryable'), expected: true},
		{what: 'a SQL error', error: Object.assign(new Error('relation "x" does not exist'), {code: '42P01'}), expected: false},
		{what: 'a disk full error', error: Object.assign(new Error('could not extend file'), {code: '53100'}), expected: false},
		{what: 'undefined', error: undefined, expected: false},
	])('$what: $expected', ({error, expected}) => {
		expect(isConnectionError(error)).toBe(expected);
	});
});
