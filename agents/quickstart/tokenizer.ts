// Quickstart agent 1/3: splits submitted text into words and sentences.
// TextSubmitted { text } → TextTokenized { tokens, sentences, characters }.
import { defineAgent } from '@troupe/core';
import { countSentences, tokenize } from './text.js';

export interface TextSubmitted {
  text: string;
}

export default defineAgent<TextSubmitted>((event, ctx) => {
  const { text } = event.data;
  const tokens = tokenize(text);
  ctx.log.info('tokenized', { tokens: tokens.length });
  ctx.emit('TextTokenized', {
    tokens,
    sentences: countSentences(text),
    characters: [...text].length,
  });
});
