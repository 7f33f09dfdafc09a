import { describe, expect, it } from 'vitest';
import { CorruptDocumentError } from '../../../functions/core/errors';
import { instructionResumePoint } from '../../../functions/core/resume-point';
import { applySeam, joinChunk } from '../../../functions/core/seam';

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
        const { seam, stoppedAtSequence, addedCharacters } = joinChunk(
          'prefill',
          soFar,
          continuation,
          BUDGET,
        );
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
            document = applySeam(document, chunk, joinChunk('prefill', document, chunk, BUDGET).seam);
          }
          expect(document, `cuts ${first}, ${second}`).toBe(original);
        }
      }
    });
  }

  it('keeps the trimmed length of the document and the whole chunk', () => {
    expect(joinChunk('prefill', 'abc \n\t', 'def', BUDGET).seam).toEqual({
      keepPrevious: 3,
      chunkFrom: 0,
      chunkTo: 3,
    });
    expect(joinChunk('prefill', '', 'first', BUDGET).seam).toEqual({
      keepPrevious: 0,
      chunkFrom: 0,
      chunkTo: 5,
    });
  });

  it('reports a negative length change when the model continues with less than the trimmed white space', () => {
    expect(joinChunk('prefill', 'abc   ', '', BUDGET).addedCharacters).toBe(-3);
  });
});

const BUDGET = { stopSequences: [] as string[], maxTokensPerRound: 100 };

/** The reply of a model that begins with the quoted tail and writes on to the end of `original`. */
function resumedRound(original: string, cut: number, budget = BUDGET) {
  const soFar = original.slice(0, cut);
  const resume = instructionResumePoint(soFar, budget.maxTokensPerRound);
  const sentLength = resume?.sentLength ?? soFar.length;
  return { soFar, sent: soFar.slice(0, sentLength), rest: original.slice(sentLength) };
}

describe('joinChunk with instruction', () => {
  for (const [kind, original] of Object.entries(SAMPLES)) {
    it(`joins ${kind} cut at every position when the reply begins with the quoted tail`, () => {
      for (const cut of codePointCuts(original)) {
        const { soFar, rest } = resumedRound(original, cut);
        const joined = applySeam(soFar, rest, joinChunk('instruction', soFar, rest, BUDGET).seam);
        expect(joined, `cut at ${cut}`).toBe(original);
      }
    });
  }

  const original =
    '## Tides\n\nThe tide pool fills twice a day, and every pool keeps its own small world of life.\n\n' +
    '```ts\nconst tide = pool.fill(2);\n  return tide.level;\n```\n\nAfter the code comes prose again.';
  const cut = original.indexOf('tide.level') + 4;
  const { soFar, sent, rest } = resumedRound(original, cut);
  const lastLine = sent.slice(sent.lastIndexOf('\n') + 1);
  const lastWord = sent.slice(sent.trimEnd().lastIndexOf(' ') + 1);

  for (const [behaviour, before] of [
    ['a stray space', ' '],
    ['a stray blank line', '\n\n'],
    ['a chatter line in a known wording', "Here's the rest of the document:\n\n"],
    ['a chatter line in a wording nobody listed', 'Righto — the tidal code resumes below!\n\n'],
    ['a chatter line without a blank line after it', 'Continuing: '],
    ['the open code fence again', '```ts\n'],
    ['the cut word again', lastWord],
    ['the cut line again', lastLine],
    ['the cut line without its indentation', lastLine.trimStart()],
    ['an overlap of 60 characters', sent.slice(-60)],
    ['chatter, the fence and an overlap', 'Sure! Picking up mid-code:\n\n```ts\n' + sent.slice(-25)],
  ] as const) {
    it(`drops ${behaviour} before the tail`, () => {
      const chunk = before + rest;
      expect(applySeam(soFar, chunk, joinChunk('instruction', soFar, chunk, BUDGET).seam)).toBe(original);
    });
  }

  /** Every cut of `text`, resumed by a reply that begins with the quoted tail, joins back to `text`. */
  function expectEveryCutJoinsBack(text: string): void {
    for (const at of codePointCuts(text)) {
      const round = resumedRound(text, at);
      const { seam } = joinChunk('instruction', round.soFar, round.rest, BUDGET);
      expect(applySeam(round.soFar, round.rest, seam), `cut at ${at}`).toBe(text);
    }
  }

  it('keeps the text of a document that repeats its lines', () => {
    expectEveryCutJoinsBack(
      '| Item | Count |\n| --- | --- |\n| tide | 2 |\n| tide | 2 |\n| tide | 2 |\n| reef | 4 |',
    );
  });

  it('keeps a repeated line when the model also repeats one', () => {
    const refrain = 'Check the anchor twice.';
    const text = `Intro line here.\n\n${refrain}\n\n${refrain}\n\n${refrain}\n\nDone with the refrain.`;
    const round = resumedRound(text, text.lastIndexOf(refrain) + 8);
    // The model restarts the cut line, which is a copy of the line before it.
    const chunk = round.sent.slice(round.sent.lastIndexOf('\n') + 1) + round.rest;
    expect(applySeam(round.soFar, chunk, joinChunk('instruction', round.soFar, chunk, BUDGET).seam)).toBe(
      text,
    );
  });

  it('keeps document lines that read like chatter', () => {
    expectEveryCutJoinsBack('Intro paragraph of the guide.\n\nHere is the plan:\n\n- step one\n- step two');
  });

  it('keeps the document unchanged when the reply never reaches past the tail', () => {
    for (const chunk of [
      '',
      'Here is the rest:',
      rest.slice(0, 5),
      sent.slice(-30),
      'Unrelated words only.',
    ]) {
      const { seam, addedCharacters, replyPlaced } = joinChunk('instruction', soFar, chunk, BUDGET);
      expect(applySeam(soFar, chunk, seam)).toBe(soFar);
      expect(addedCharacters).toBe(0);
      expect(replyPlaced, JSON.stringify(chunk)).toBe(false);
    }
    // The tail written again and nothing more is placed, and adds nothing.
    const tailOnly = soFar.slice(sent.length).trimEnd();
    const joined = joinChunk('instruction', soFar, tailOnly, BUDGET);
    expect(joined.replyPlaced).toBe(true);
    expect(applySeam(soFar, tailOnly, joined.seam)).toBe(soFar);
  });

  it('does not take the tail from a repeat of the sent text that holds it by chance', () => {
    const text = `Past sequences of alpha ${'filler words '.repeat(60)}and the last se`;
    const budget = { stopSequences: [], maxTokensPerRound: 12 };
    const resume = instructionResumePoint(text, budget.maxTokensPerRound);
    expect(resume?.tail).toBe('ast se');
    const chunk = 'Past sequences of';
    expect(joinChunk('instruction', text, chunk, budget).addedCharacters).toBe(0);
  });

  it('appends the whole reply in rounds too small to quote a tail (the whole document was sent)', () => {
    const { seam } = joinChunk('instruction', 'A sentence so far\n\n', '## Next', {
      stopSequences: [],
      maxTokensPerRound: 2,
    });
    expect(seam).toEqual({ keepPrevious: 19, chunkFrom: 0, chunkTo: 7 });
  });

  it('keeps the whole chunk after a whitespace-only document (nothing was sent to resume)', () => {
    const chunk = 'Here is the continuation:\n\nBody';
    expect(joinChunk('instruction', ' \n', chunk, BUDGET).seam).toEqual({
      keepPrevious: 2,
      chunkFrom: 0,
      chunkTo: chunk.length,
    });
  });

  it('stays fast on long repetitive texts', () => {
    const long = 'a'.repeat(400_000);
    const { seam } = joinChunk('instruction', long, `${'a'.repeat(300_000)}b`, BUDGET);
    expect(seam.chunkTo).toBe(300_001);
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
        const chunk =
          strategy === 'prefill' ? original.slice(soFar.trimEnd().length) : resumedRound(original, cut).rest;
        const result = joinChunk(strategy, soFar, chunk, { ...BUDGET, stopSequences: [stop] });
        expect(result.stoppedAtSequence, `cut at ${cut}`).toBe(true);
        expect(applySeam(soFar, chunk, result.seam)).toBe(original.slice(0, end));
        expect(result.addedCharacters).toBe(end - soFar.length);
      }
    });
  }

  it('cuts a stop sequence that lies wholly in the chunk', () => {
    const result = joinChunk('prefill', 'Start', ' middle<END> rest', { ...BUDGET, stopSequences: [stop] });
    expect(result.stoppedAtSequence).toBe(true);
    expect(result.seam).toEqual({ keepPrevious: 5, chunkFrom: 0, chunkTo: 7 });
    expect(result.addedCharacters).toBe(7);
  });

  it('ignores a stop sequence wholly inside the previous text', () => {
    const result = joinChunk('prefill', 'old <END> text', ' more', { ...BUDGET, stopSequences: [stop] });
    expect(result.stoppedAtSequence).toBe(false);
    expect(result.seam.keepPrevious).toBe(14);
  });

  it('cuts at the earliest of several stop sequences', () => {
    const result = joinChunk('prefill', 'alpha be', 'ta gamma STOP delta', {
      ...BUDGET,
      stopSequences: ['STOP', 'beta'],
    });
    expect(applySeam('alpha be', 'ta gamma STOP delta', result.seam)).toBe('alpha ');
  });

  it('sees a stop sequence made of sent text and white space that prefill trimmed', () => {
    const soFar = 'a line END\n';
    const chunk = '\nnext';
    const result = joinChunk('prefill', soFar, chunk, { ...BUDGET, stopSequences: ['END\n'] });
    expect(result.stoppedAtSequence).toBe(true);
    expect(applySeam(soFar, chunk, result.seam)).toBe('a line ');
  });

  it('does not look in text dropped before the quoted tail', () => {
    const sent = 'We reached the part <EN';
    const chunk = 'Here is the rest, with <END> in it:\n\nreached the part <END> of it';
    const result = joinChunk('instruction', sent, chunk, { ...BUDGET, stopSequences: [stop] });
    expect(result.stoppedAtSequence).toBe(true);
    expect(applySeam(sent, chunk, result.seam)).toBe('We reached the part ');
  });

  it('ignores empty stop sequences', () => {
    expect(joinChunk('prefill', 'abc', 'def', { ...BUDGET, stopSequences: [''] }).stoppedAtSequence).toBe(
      false,
    );
  });

  it('handles stop sequences of CJK and emoji straddling the seam', () => {
    const result = joinChunk('prefill', '文本😀', '🎉结束', { ...BUDGET, stopSequences: ['😀🎉'] });
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
