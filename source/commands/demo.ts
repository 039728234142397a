/**
 * `rqc demo`: loads the demo data set (real measurements of three releases of a tiny program,
 * a docker-vs-bare-metal calibration, one true regression) into the current store, labelled as
 * demo data; `rqc demo --remove` takes exactly it away again. No Ink.
 */
import {EXIT} from '../errors.js';
import {toJson} from '../json.js';
import {hasDemoData, loadDemo, readDemoData} from '../demo/demo-data.js';
import type {CommandSpec} from './types.js';

export const demoCommand: CommandSpec = {
	name: 'demo',
	summary: 'Load a small demo data set (real measurements, labelled demo) to try rqc; --remove takes it away',
	usage: 'rqc demo [--remove] [--json]',
	examples: ['rqc demo', 'rqc demo --remove'],
	flags: {
		remove: {type: 'boolean', default: false, description: 'Remove the demo data (only it) from the store'},
	},
	async run(context) {
		const store = await context.openStore();
		if (context.flags.remove) {
			const removed = await store.removeDemoData();
			if (context.isJson) context.stdout.write(toJson({removed}) + '\n');
			else if (removed.releases === 0 && removed.calibrations === 0) context.stdout.write('no demo data in this store\n');
			else context.stdout.write(`removed the demo data: ${removed.releases} releases and ${removed.calibrations} calibration${removed.calibrations === 1 ? '' : 's'}\n`);
			return EXIT.ok;
		}

		if (await hasDemoData(store)) {
			if (context.isJson) context.stdout.write(toJson({loaded: false, reason: 'already loaded'}) + '\n');
			else context.stdout.write('the demo data is already loaded (remove it with rqc demo --remove)\n');
			return EXIT.ok;
		}

		const data = await readDemoData();
		const summary = await loadDemo(store, data, new Date());
		if (context.isJson) {
			context.stdout.write(toJson({loaded: true, ...summary, description: data.manifest.description}) + '\n');
			return EXIT.ok;
		}

		const [first, second, third] = summary.releases;
		context.stdout.write([
			`loaded the demo data: ${summary.releases.length} releases (${summary.releases.join(', ')}), ${summary.runs} runs, ${summary.samples} samples, ${summary.calibrations} calibration`,
			`  ${data.manifest.description}`,
			`  measured with hyperfine ${data.manifest.hyperfineVersion ?? ''} on ${data.manifest.host.cpuModel} (${data.manifest.host.cores} cores); every row is flagged demo`,
			'',
			'next:',
			`  rqc                                  open the console; press 3 for the Compare pane`,
			...(second && third ? [`  rqc compare ${second} ${third}     the regression in sort`] : []),
			...(first && second ? [`  rqc compare ${first} ${second}     the improvement in checksum`] : []),
			...(third ? [`  rqc compare ${third}@bare-metal ${third}@docker   adjusted with the demo calibration`] : []),
			'  rqc demo --remove                    take the demo data away again',
			'',
		].join('\n'));
		return EXIT.ok;
	},
};
