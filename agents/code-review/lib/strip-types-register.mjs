// `node --import <this file>`: registers strip-types-hooks.mjs (see there) for the process.
import { register } from 'node:module';

register('./strip-types-hooks.mjs', import.meta.url);
