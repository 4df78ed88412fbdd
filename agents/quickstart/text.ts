// Shared text helpers of the quickstart agents: word tokenization and sentence counting that
// handle Unicode letters and apostrophes ("don't" is one word), plus a small English stopword
// list so the top words say something about the text.

/** Lowercased words: runs of letters or digits, with inner apostrophes or hyphens kept. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? []).map((w) =>
    w.replace(/’/g, "'"),
  );
}

/** Sentences: runs of text ended by . ! ? (or the end of the text) that contain a word. */
export function countSentences(text: string): number {
  return text.split(/[.!?]+(?:\s|$)/u).filter((s) => /[\p{L}\p{N}]/u.test(s)).length;
}

export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for from has have he her his i if in into is it its of on or our ' +
    'she so that the their them there they this to was we were what when which who will with you your'
  ).split(' '),
);
