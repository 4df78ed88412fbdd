export type { CloudEvent, CreateEventInput, DeriveEventInput } from './event.js';
export {
  createEvent,
  deriveEvent,
  envelopeProblems,
  parseEvent,
  CLOUDEVENT_REQUIRED,
} from './event.js';
export { uuidv7, deterministicId, isUuid } from './ids.js';
