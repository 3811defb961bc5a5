/** The store seam: schema migrations, the one writer, read-only readers. */
export { openWriter } from './writer.js';
export { openReader } from './reader.js';
export type { StoreReader } from './reader.js';
export type { ConnectionOptions } from './connection.js';
export { migrate } from './migrate.js';
export type { MigrationReport } from './migrate.js';
export { findMigrationsDir, loadMigrations } from './migrations.js';
export { PHASE_AXES } from './phase.js';
export * from './types.js';
export { prepareTrial } from './rows.js';
export type { PreparedTrial, PreparedValues, SampleValues } from './rows.js';
export { ratioBucket } from './ratio-summary.js';
export type { BucketSummary } from './ratio-summary.js';
