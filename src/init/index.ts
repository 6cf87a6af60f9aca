/** `drctl init`: answers (flags or questions) → a commented runbook with the standard procedures written out. */
export { INIT_FIELDS, INIT_TYPES, toAnswers, missingFields, type InitAnswers, type InitAccount, type InitFlags, type InitField, type InitResourceType } from './answers.js';
export { gatherAnswers, type Asker } from './ask.js';
export { renderInitRunbook } from './render.js';
export { writeInitRunbook, assertWritable, type InitWriteResult } from './write.js';
