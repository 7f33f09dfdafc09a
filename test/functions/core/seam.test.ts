import { describe, expect, it } from 'vitest';
import { CorruptDocumentError } from '../../../functions/core/errors';
import { applySeam, joinChunk, MIN_OVERLAP_CHARS } from '../../../functions/core/seam';

/** Texts with every kind of character a seam can land next to. */
const SAMPLES: Record<string, string> = {
  spaces: 'one two  three   four    five',
  tabs: 'col\tcol2\t\tcol3\t \tend\t',
  newlineRuns: 'para one.\n\npara two.\n\n\n\npara three\n',
  crlf: 'line one\r\nline two\r\n\r\nline four  \r\n',
  nbsp: 'price:\u00a0100\u00a0€ and\u00a0\u00a0more \u00a0',
  cjk: '长文本生成。第二段落 继续写作，\n\n第三段：完成。',
  emoji: 'Start 😀 then 🎉🎉 then 🚀 end 😀',
  zwj: 'family 👩‍👩‍👧‍👦 and 🏳️‍🌈 flag; skin 👍🏽 done',
  indentedCode: '## Code\n\n    const x = 1;\n    const y = 2;\n\nAfter the code.',
};

/** Cut positions at every code point boundary (a model never emits half a surrogate pair). */
function codePointCuts(text: string): number[] {
  const cuts = [0];
  let position = 0;
  for (const char of text) {
    position += char.length;
    cuts.push(position);
  }
  return cuts;
}

describe('joinChunk with prefill', () => {
  for (const [kind, original] of Object.entries(SAMPLES)) {
    it(`round-trips ${kind} cut at every position`, () => {
      for (const cut of codePointCuts(original)) {
        const soFar = original.slice(0, cut);
        // The model continues after exactly the text it was sent: the prefix without trailing white space.
        const continuation = original.slice(soFar.trimEnd().length);
        const { seam, stoppedAtSequence, addedCharacters } = joinChunk('prefill', soFar, continuation, []);
        const joined = applySeam(soFar, continuation, seam);
        expect(joined, `cut at ${cut}`).toBe(original);
        expect(stoppedAtSequence).toBe(false);
        expect(addedCharacters).toBe(original.length - soFar.length);
      }
    });

    it(`round-trips ${kind} cut at every pair of positions over three rounds`, () => {
      const cuts = codePointCuts(original);
      for (const first of cuts) {
        for (const second of cuts.filter((c) => c >= first)) {
          let document = '';
          for (const end of [first, second, original.length]) {
            // Each round the model writes on up to `end`, continuing after the trimmed text it was sent.
            const chunk = original.slice(document.trimEnd().length, Math.max(end, document.trimEnd().length));
            document = applySeam(document, chunk, joinChunk('prefill', document, chunk, []).seam);
          }
          expect(document, `cuts ${first}, ${second}`).toBe(original);
        }
      }
    });
  }

  it('keeps the trimmed length of the document and the whole chunk', () => {
    expect(joinChunk('prefill', 'abc \n\t', 'def', []).seam).toEqual({
      keepPrevious: 3,
      chunkFrom: 0,
      chunkTo: 3,
    });
    expect(joinChunk('prefill', '', 'first', []).seam).toEqual({ keepPrevious: 0, chunkFrom: 0, chunkTo: 5 });
  });

  it('reports a negative length change when the model continues with less than the trimmed white space', () => {
    expect(joinChunk('prefill', 'abc   ', '', []).addedCharacters).toBe(-3);
  });
});

describe('joinChunk with instruction', () => {
  for (const [kind, original] of Object.entries(SAMPLES)) {
    it(`joins ${kind} cut at every position exactly when the model repeats nothing`, () => {
      for (const cut of codePointCuts(original)) {
        const soFar = original.slice(0, cut);
        const continuation = original.slice(cut);
        const joined = applySeam(soFar, continuation, joinChunk('instruction', soFar, continuation, []).seam);
        expect(joined, `cut at ${cut}`).toBe(original);
      }
    });
  }

  it('keeps all of the document that was sent, white space included', () => {
    const { seam } = joinChunk('instruction', 'abc \n\n', '  indented', []);
    expect(seam).toEqual({ keepPrevious: 6, chunkFrom: 0, chunkTo: 10 });
  });

  it('never trims white space the model wrote after the sent text', () => {
    for (const lead of [' ', '\n', '\n\n', '\t', '\r\n', '\u00a0']) {
      const { seam } = joinChunk('instruction', 'The end of a sentence.', `${lead}Next one.`, []);
      expect(seam.chunkFrom).toBe(0);
    }
  });

  describe('overlap removal around the minimum length', () => {
    const sent = 'The quick brown fox jumps over the lazy dog near the riverbank today';
    const rest = ' and then rests.';
    for (let length = MIN_OVERLAP_CHARS - 3; length <= MIN_OVERLAP_CHARS + 3; length++) {
      it(`${length >= MIN_OVERLAP_CHARS ? 'removes' : 'keeps'} a repeated overlap of ${length} characters`, () => {
        const chunk = sent.slice(-length) + rest;
        const { seam } = joinChunk('instruction', sent, chunk, []);
        const expected = length >= MIN_OVERLAP_CHARS ? sent + rest : sent + chunk;
        expect(applySeam(sent, chunk, seam)).toBe(expected);
      });
    }

    it('removes the longest overlap when several suffixes match', () => {
      const repetitive = 'abcabcabcabcabcabcabcabc';
      const { seam } = joinChunk('instruction', repetitive, `${repetitive}XYZ`, []);
      expect(seam.chunkFrom).toBe(repetitive.length);
    });

    it('removes an overlap as long as the whole sent text', () => {
      const short = 'Exactly twelve!';
      expect(joinChunk('instruction', short, `${short} more`, []).seam.chunkFrom).toBe(short.length);
    });

    it('removes an overlap that is the whole chunk', () => {
      const chunk = sent.slice(-20);
      const { seam, addedCharacters } = joinChunk('instruction', sent, chunk, []);
      expect(seam.chunkFrom).toBe(20);
      expect(addedCharacters).toBe(0);
    });

    it('keeps a repeat that is only white space (indentation and blank lines recur)', () => {
      const code = `block:\n${' '.repeat(16)}`;
      const chunk = `${' '.repeat(16)}next line`;
      expect(joinChunk('instruction', code, chunk, []).seam.chunkFrom).toBe(0);
    });

    it('keeps a repeat of punctuation and white space only (markdown table rules recur)', () => {
      const table = '| A | B | C | D |\n| --- | --- ';
      const chunk = '| --- | --- |\n| a | b | c | d |';
      expect(applySeam(table, chunk, joinChunk('instruction', table, chunk, []).seam)).toBe(table + chunk);
    });

    it('removes a repeat of CJK and emoji text', () => {
      const text = '第一章：长文本生成的故事 😀👩‍👩‍👧 继续';
      const chunk = `${text.slice(-14)}下一句。`;
      expect(applySeam(text, chunk, joinChunk('instruction', text, chunk, []).seam)).toBe(`${text}下一句。`);
    });

    it('removes a repeat that follows a stray space or newline', () => {
      for (const lead of [' ', '\n']) {
        const chunk = `${lead}${sent.slice(-30)}${rest}`;
        expect(applySeam(sent, chunk, joinChunk('instruction', sent, chunk, []).seam)).toBe(sent + rest);
      }
    });

    it('stays linear on long repetitive texts', () => {
      const long = 'a'.repeat(400_000);
      const { seam } = joinChunk('instruction', long, `${'a'.repeat(300_000)}b`, []);
      expect(seam.chunkFrom).toBe(300_000);
    });
  });

  describe('preamble removal', () => {
    const sent = 'The document so far ends here';
    for (const preamble of [
      'Continuing from where I left off:\n\n',
      'Here is the continuation:\n\n',
      'Sure, continuing the document:\n',
      "Here's the rest, picking up mid-sentence:\r\n\r\n",
      'Resuming: \n\n',
      '\nHere is the continuation:\n\n',
    ]) {
      it(`removes ${JSON.stringify(preamble)}`, () => {
        const chunk = `${preamble}, and it goes on.`;
        expect(applySeam(sent, chunk, joinChunk('instruction', sent, chunk, []).seam)).toBe(
          `${sent}, and it goes on.`,
        );
      });
    }

    it('keeps line breaks after the blank line that follows the preamble', () => {
      const chunk = 'Here is the continuation:\n\n\n\nNew paragraph.';
      expect(applySeam(sent, chunk, joinChunk('instruction', sent, chunk, []).seam)).toBe(
        `${sent}\n\nNew paragraph.`,
      );
    });

    it('removes a preamble followed by a repeated overlap', () => {
      const chunk = `Here is the continuation:\n\n${sent.slice(-15)} and more.`;
      expect(applySeam(sent, chunk, joinChunk('instruction', sent, chunk, []).seam)).toBe(
        `${sent} and more.`,
      );
    });

    for (const [why, chunk] of [
      ['no newline after it', 'Continuing: the story goes on'],
      ['no colon at the end of the line', 'Continuing the story\n\nmore'],
      ['no word about continuing', 'Ingredients:\n\n- flour'],
      [
        'a first line over 80 characters',
        `Here is the continuation of ${'a very long line '.repeat(5)}:\n\nmore`,
      ],
      ['text after the colon', 'Here is the continuation: it\n\nmore'],
      ['a document line that mentions continuation', 'Boundary machine between continuation:\n\n## Next'],
      ['the rest of a line that started in the document', 'n under compass continuation cinder:\n\nOn'],
      ['a lower-case opener (mid-sentence text)', ' continuation quiet signal sequence:\n\nCopper'],
      ['"here is" without continuing', 'Here is the plan:\n\n- step one'],
      ['a document line about remaining steps', 'Here are the remaining steps:\n\n1. Clone'],
      ['a document line that continues something else', 'Continuing the setup:\n\nRun the installer'],
      ['more words after a continuing phrase', 'Continuing from where I left off with the tides:\n\nmore'],
    ]) {
      it(`keeps an ambiguous first line: ${why}`, () => {
        expect(joinChunk('instruction', sent, chunk as string, []).seam.chunkFrom).toBe(0);
      });
    }

    it('removes nothing in the first round (nothing was sent to continue)', () => {
      const chunk = 'Here is the continuation:\n\nBody';
      expect(joinChunk('instruction', '', chunk, []).seam).toEqual({
        keepPrevious: 0,
        chunkFrom: 0,
        chunkTo: chunk.length,
      });
    });
  });
});

describe('stop sequences across seams', () => {
  const stop = '<END>';
  const original = 'Body text before.<END>after the end';
  const end = original.indexOf(stop);

  for (const strategy of ['prefill', 'instruction'] as const) {
    it(`${strategy}: ends the document before a stop sequence cut at every position`, () => {
      for (let cut = end + 1; cut < end + stop.length; cut++) {
        const soFar = original.slice(0, cut);
        const chunk = original.slice(strategy === 'prefill' ? soFar.trimEnd().length : cut);
        const result = joinChunk(strategy, soFar, chunk, [stop]);
        expect(result.stoppedAtSequence, `cut at ${cut}`).toBe(true);
        expect(applySeam(soFar, chunk, result.seam)).toBe(original.slice(0, end));
        expect(result.seam.keepPrevious).toBe(end);
        expect(result.seam.chunkTo).toBe(result.seam.chunkFrom);
        expect(result.addedCharacters).toBe(end - soFar.length);
      }
    });
  }

  it('cuts a stop sequence that lies wholly in the chunk', () => {
    const result = joinChunk('prefill', 'Start', ' middle<END> rest', [stop]);
    expect(result.stoppedAtSequence).toBe(true);
    expect(result.seam).toEqual({ keepPrevious: 5, chunkFrom: 0, chunkTo: 7 });
    expect(result.addedCharacters).toBe(7);
  });

  it('ignores a stop sequence wholly inside the previous text', () => {
    const result = joinChunk('prefill', 'old <END> text', ' more', [stop]);
    expect(result.stoppedAtSequence).toBe(false);
    expect(result.seam.keepPrevious).toBe(14);
  });

  it('cuts at the earliest of several stop sequences', () => {
    const result = joinChunk('instruction', 'alpha be', 'ta gamma STOP delta', ['STOP', 'beta']);
    expect(applySeam('alpha be', 'ta gamma STOP delta', result.seam)).toBe('alpha ');
  });

  it('sees a stop sequence made of sent text and white space that prefill trimmed', () => {
    const soFar = 'a line END\n';
    const chunk = '\nnext';
    const result = joinChunk('prefill', soFar, chunk, ['END\n']);
    expect(result.stoppedAtSequence).toBe(true);
    expect(applySeam(soFar, chunk, result.seam)).toBe('a line ');
  });

  it('does not look in text that an overlap or preamble removed', () => {
    const sent = 'We reached the part <EN';
    const chunk = `${sent.slice(-14)}D> of it`;
    const result = joinChunk('instruction', sent, chunk, [stop]);
    expect(result.stoppedAtSequence).toBe(true);
    expect(applySeam(sent, chunk, result.seam)).toBe('We reached the part ');
  });

  it('ignores empty stop sequences', () => {
    expect(joinChunk('prefill', 'abc', 'def', ['']).stoppedAtSequence).toBe(false);
  });

  it('handles stop sequences of CJK and emoji straddling the seam', () => {
    const result = joinChunk('prefill', '文本😀', '🎉结束', ['😀🎉']);
    expect(applySeam('文本😀', '🎉结束', result.seam)).toBe('文本');
  });
});

describe('applySeam', () => {
  it('keeps the previous prefix and the chunk slice', () => {
    expect(applySeam('abcdef', '0123456', { keepPrevious: 4, chunkFrom: 2, chunkTo: 5 })).toBe('abcd234');
  });

  for (const seam of [
    { keepPrevious: 7, chunkFrom: 0, chunkTo: 1 },
    { keepPrevious: -1, chunkFrom: 0, chunkTo: 1 },
    { keepPrevious: 1, chunkFrom: 3, chunkTo: 2 },
    { keepPrevious: 1, chunkFrom: 0, chunkTo: 8 },
    { keepPrevious: 1.5, chunkFrom: 0, chunkTo: 1 },
  ]) {
    it(`rejects the seam ${JSON.stringify(seam)} that does not fit`, () => {
      expect(() => applySeam('abcdef', '0123456', seam)).toThrow(CorruptDocumentError);
    });
  }
});
