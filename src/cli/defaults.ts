/** Where `run`, `query`, `status` and `dash` look when --db is not given. */
export const defaultDbPath = 'db/sharpsweep.sqlite';
