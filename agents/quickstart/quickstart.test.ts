import { runHandler } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { countSentences, tokenize } from './text.js';
import textStats from './text-stats.js';
import tokenizer from './tokenizer.js';
import wordCounter from './word-counter.js';

describe('text helpers', () => {
  it('tokenizes Unicode words, keeping inner apostrophes and hyphens', () => {
    expect(tokenize("Don’t stop — the well-known café's 3 cats!")).toEqual([
      "don't",
      'stop',
      'the',
      'well-known',
      "café's",
      '3',
      'cats',
    ]);
    expect(tokenize('...')).toEqual([]);
  });
  it('counts sentences, ignoring empty ones', () => {
    expect(countSentences('One. Two!  Three? ... ')).toBe(3);
    expect(countSentences('no terminator')).toBe(1);
    expect(countSentences('3.14 is pi.')).toBe(1);
  });
});

describe('quickstart choreography, handler by handler', () => {
  it('tokenizer → word-counter → text-stats computes the statistics', async () => {
    const text = 'The quick brown fox jumps over the lazy dog. The dog sleeps!';
    const t = await runHandler(tokenizer, {
      type: 'TextSubmitted',
      data: { text },
      emits: ['TextTokenized'],
      agent: 'tokenizer',
    });
    expect(t.error).toBeUndefined();
    expect(t.emitted).toHaveLength(1);
    const tokenized = t.emitted[0]!.data as {
      tokens: string[];
      sentences: number;
      characters: number;
    };
    expect(tokenized).toMatchObject({ sentences: 2, characters: text.length });
    expect(tokenized.tokens).toHaveLength(12);

    const w = await runHandler(wordCounter, {
      type: 'TextTokenized',
      data: tokenized,
      emits: ['WordsCounted'],
    });
    const counted = w.emitted[0]!.data as { total: number; frequencies: Record<string, number> };
    expect(counted.total).toBe(12);
    expect(counted.frequencies).toMatchObject({ the: 3, dog: 2, fox: 1 });

    const s = await runHandler(textStats, {
      type: 'WordsCounted',
      data: w.emitted[0]!.data as never,
      emits: ['TextStats'],
      config: { topN: 2 },
    });
    expect(s.error).toBeUndefined();
    expect(s.emitted[0]).toMatchObject({
      type: 'TextStats',
      data: {
        words: 12,
        uniqueWords: 9,
        sentences: 2,
        characters: text.length,
        wordsPerSentence: 6,
        lexicalDiversity: 0.75,
        readingTimeSeconds: 4,
        topWords: [
          { word: 'dog', count: 2 },
          { word: 'brown', count: 1 },
        ],
      },
    });
  });

  it('handles a text without words', async () => {
    const s = await runHandler(textStats, {
      type: 'WordsCounted',
      data: { total: 0, frequencies: {}, sentences: 0, characters: 3 },
      emits: ['TextStats'],
    });
    expect(s.emitted[0]!.data).toMatchObject({
      words: 0,
      averageWordLength: 0,
      wordsPerSentence: 0,
      lexicalDiversity: 0,
      topWords: [],
    });
  });
});
