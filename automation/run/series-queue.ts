/**
 * Serializes work per key inside one process: runs of one series wait for
 * each other, runs of different series proceed concurrently. Owned by a
 * Driver instance (no module-level state), so two drivers never share queues.
 */
export class SeriesQueue {
    /** The settled tail of each key's chain; removed when the chain drains. */
    private readonly tails = new Map<string, Promise<void>>();

    /** Runs `fn` after every earlier task of `key` has settled. */
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
        const previous = this.tails.get(key) ?? Promise.resolve();
        const result = previous.then(fn);
        // The chain continues whether this task succeeds or fails.
        const tail = result.then(
            () => undefined,
            () => undefined,
        );
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        return result;
    }

    /** True while a task of `key` is queued or running. */
    isActive(key: string): boolean {
        return this.tails.has(key);
    }

    /** Keys with queued or running work. */
    get activeKeys(): string[] {
        return [...this.tails.keys()];
    }
}
