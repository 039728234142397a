/**
 * Issue 15: the calibration workloads are rqc's own static program, bind-mounted beside the
 * helper, so an image with no shell and no tools at all (one empty /tmp) calibrates.
 */
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createDockerClient} from '../../../source/docker/engine.js';
import {runCalibration} from '../../../source/bench/run-calibration.js';
import {openPgliteFixture, type PgliteFixture} from '../bench/fixtures.js';
import {describeWith, requireDocker, uniqueSuffix} from '../../helpers/services.js';

const IMAGE = `rqc-noshell-${uniqueSuffix()}:test`;

describeWith([requireDocker()], 'calibration in an image without a shell', () => {
	let fixture: PgliteFixture;
	const docker = createDockerClient({dockerHost: undefined});

	beforeAll(async () => {
		fixture = await openPgliteFixture();
		const root = path.join(fixture.dataDir, 'rootfs');
		mkdirSync(path.join(root, 'tmp'), {recursive: true});
		const tar = path.join(fixture.dataDir, 'rootfs.tar');
		await execa('tar', ['-C', root, '-cf', tar, '.']);
		const stream = await docker.importImage(tar, {repo: IMAGE.split(':')[0], tag: 'test'});
		await new Promise((resolve, reject) => {
			docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(undefined)));
		});
	}, 60_000);

	afterAll(async () => {
		await docker.getImage(IMAGE).remove({force: true}).catch(() => undefined);
		await fixture?.cleanup();
	});

	it('measures the workloads in it and stores their overheads', async () => {
		const inspected = await docker.getImage(IMAGE).inspect();
		expect(inspected.RootFS?.Layers?.length ?? 1).toBe(1);
		const deps = {store: fixture.store, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal};
		// One round is enough to show it runs; maxTimeMs 1 stops after the minimum.
		const calibration = await runCalibration({image: IMAGE, limits: {cpus: 1, memory: '256m'}, workloads: ['cpu-int', 'spawn', 'file-io'], rounds: 1, iterationsPerRound: 2, maxTimeMs: 1}, deps);
		expect(Object.keys(calibration.cases).sort()).toEqual(['cpu-int', 'file-io', 'spawn']);
		for (const name of ['cpu-int', 'file-io', 'spawn']) expect(calibration.cases[name]?.cpu?.ratio, name).toBeGreaterThan(0);
		expect(calibration.details?.quality?.rounds).toBe(1);
	}, 180_000);
});
