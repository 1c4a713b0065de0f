// Loaded with `node --import`: makes `import ... from 'electron'` resolve to the fake below.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
