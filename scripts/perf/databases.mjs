// A database of the performance scripts' own on a PostgreSQL (or TimescaleDB) server: created
// with a random suffix, or an existing one named for reuse, and dropped again after.
import pg from 'pg';

/** Creates prefix_<random> on serverUrl (or takes `reuse`, a kept database, as it is). */
export async function createDatabase(serverUrl, prefix, reuse) {
	const name = reuse ?? `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
	if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`${name}: not a database name`);
	if (!reuse) {
		const admin = new pg.Client({connectionString: serverUrl});
		await admin.connect();
		await admin.query(`CREATE DATABASE ${name}`);
		await admin.end();
	}

	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		name,
		url: url.toString(),
		async drop() {
			const client = new pg.Client({connectionString: serverUrl});
			await client.connect();
			try {
				// Another role's session (a monitor visiting every database) can hold it a moment.
				for (let attempt = 1; ; attempt++) {
					try {
						await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
						return;
					} catch (error) {
						if (attempt >= 10) throw new Error(`could not drop database ${name}: ${error.message}; drop it by hand`);
						await new Promise((resolve) => setTimeout(resolve, 2000));
					}
				}
			} finally {
				await client.end();
			}
		},
	};
}
