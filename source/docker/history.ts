/**
 * Per-container resource history in ring buffers bounded by time (default five minutes) and by a
 * hard point count, so a fast sampler can never grow memory without bound.
 */

export const DEFAULT_HISTORY_WINDOW_MS = 5 * 60 * 1000;

/** A fixed-capacity ring of timestamped points; points older than the window are dropped. */
export class TimeRing<T extends {readonly at: number}> {
	readonly windowMs: number;
	readonly capacity: number;
	readonly #items: Array<T | undefined>;
	#start = 0;
	#size = 0;

	constructor(windowMs = DEFAULT_HISTORY_WINDOW_MS, capacity = 2048) {
		if (windowMs <= 0 || capacity <= 0) throw new RangeError('TimeRing needs a positive window and capacity');
		this.windowMs = windowMs;
		this.capacity = capacity;
		this.#items = new Array<T | undefined>(capacity);
	}

	get size(): number {
		return this.#size;
	}

	/** Appends a point and drops what fell out of the window measured from its time. */
	push(item: T): void {
		if (this.#size === this.capacity) {
			this.#items[this.#start] = undefined;
			this.#start = (this.#start + 1) % this.capacity;
			this.#size--;
		}

		this.#items[(this.#start + this.#size) % this.capacity] = item;
		this.#size++;
		this.prune(item.at);
	}

	/** Drops points older than `now - windowMs`. */
	prune(now: number): void {
		const oldest = now - this.windowMs;
		while (this.#size > 0) {
			const head = this.#items[this.#start];
			if (head === undefined || head.at >= oldest) break;
			this.#items[this.#start] = undefined;
			this.#start = (this.#start + 1) % this.capacity;
			this.#size--;
		}
	}

	/** The points, oldest first. */
	toArray(): T[] {
		const out: T[] = [];
		for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.capacity]!);
		return out;
	}

	latest(): T | undefined {
		return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity];
	}
}

/** Rings keyed by container id. */
export class HistoryStore<T extends {readonly at: number}> {
	readonly #rings = new Map<string, TimeRing<T>>();
	readonly #windowMs: number;
	readonly #capacity: number;

	constructor(windowMs = DEFAULT_HISTORY_WINDOW_MS, capacity = 2048) {
		this.#windowMs = windowMs;
		this.#capacity = capacity;
	}

	record(id: string, point: T): void {
		let ring = this.#rings.get(id);
		if (!ring) {
			ring = new TimeRing<T>(this.#windowMs, this.#capacity);
			this.#rings.set(id, ring);
		}

		ring.push(point);
	}

	get(id: string): readonly T[] {
		return this.#rings.get(id)?.toArray() ?? [];
	}

	latest(id: string): T | undefined {
		return this.#rings.get(id)?.latest();
	}

	/** Forgets every container not in `ids` (vanished containers). */
	retain(ids: ReadonlySet<string>): void {
		for (const id of this.#rings.keys()) if (!ids.has(id)) this.#rings.delete(id);
	}

	get ids(): string[] {
		return [...this.#rings.keys()];
	}
}
