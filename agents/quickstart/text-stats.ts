// Quickstart agent 3/3: turns word counts into the final statistics.
// WordsCounted → TextStats { words, uniqueWords, sentences, characters, averageWordLength,
// wordsPerSentence, lexicalDiversity, readingTimeSeconds, topWords } (terminal).
import { defineAgent } from '@troupe/core';
import { STOPWORDS } from './text.js';

export interface WordsCounted {
  total: number;
  frequencies: Record<string, number>;
  sentences: number;
  characters: number;
}

/** Average adult silent reading speed, words per minute. */
const WORDS_PER_MINUTE = 238;

const round2 = (n: number): number => Math.round(n * 100) / 100;

export default defineAgent<WordsCounted, { topN?: number }>((event, ctx) => {
  const { total, frequencies, sentences, characters } = event.data;
  const entries = Object.entries(frequencies);
  const letters = entries.reduce((sum, [w, n]) => sum + [...w].length * n, 0);
  const topWords = entries
    .filter(([w]) => !STOPWORDS.has(w))
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, ctx.config.topN ?? 5)
    .map(([word, count]) => ({ word, count }));
  ctx.emit('TextStats', {
    words: total,
    uniqueWords: entries.length,
    sentences,
    characters,
    averageWordLength: total ? round2(letters / total) : 0,
    wordsPerSentence: sentences ? round2(total / sentences) : 0,
    lexicalDiversity: total ? round2(entries.length / total) : 0,
    readingTimeSeconds: Math.ceil((total / WORDS_PER_MINUTE) * 60),
    topWords,
  });
});
