// Passed to `node --import` so the TypeScript hooks are in place before
// the child's entry module loads.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
