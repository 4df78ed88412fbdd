// Quickstart agent 2/3: counts how often each word occurs.
// TextTokenized → WordsCounted { total, frequencies, sentences, characters }.
import { defineAgent } from '@troupe/core';

export interface TextTokenized {
  tokens: string[];
  sentences: number;
  characters: number;
}

export default defineAgent<TextTokenized>((event, ctx) => {
  const frequencies: Record<string, number> = {};
  for (const t of event.data.tokens) frequencies[t] = (frequencies[t] ?? 0) + 1;
  ctx.emit('WordsCounted', {
    total: event.data.tokens.length,
    frequencies,
    sentences: event.data.sentences,
    characters: event.data.characters,
  });
});
