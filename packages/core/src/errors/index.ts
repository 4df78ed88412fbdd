export { ErrorCode } from './codes.js';
export type { TroupeErrorOptions, SerializedError } from './troupe-error.js';
export {
  TroupeError,
  NonRetryableError,
  RetryAfterError,
  serializeError,
  deserializeError,
  isRetryable,
  isTroupeError,
} from './troupe-error.js';
