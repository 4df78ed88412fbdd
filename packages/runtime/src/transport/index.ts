export type * from './contract.js';
export { DEAD_LETTER_FIELDS } from './contract.js';
