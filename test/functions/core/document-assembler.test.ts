import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assembleDocument,
  DocumentAssembler,
  EMPTY_DOCUMENT,
  foldRounds,
} from '../../../functions/core/document-assembler';
import { CorruptDocumentError } from '../../../functions/core/errors';
import type { ContinuationStrategy } from '../../../functions/core/job-config';
import { MAX_REWIND_CHARS } from '../../../functions/core/resume-point';
import { applySeam, joinChunk } from '../../../functions/core/seam';
import type { SeamRule } from '../../../functions/core/seam-rule';

interface StoredRound {
  text: string;
  seam: SeamRule;
}

const PIECES = [
  ' ',
  '  ',
  '\t',
  '\n',
  '\n\n',
  '\r\n',
  '\u00a0',
  'a',
  'word',
  '.',
  '文',
  '字',
  '😀',
  '👩‍👩‍👧',
  '<',
  'END',
  '>',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));
const STOP_SEQUENCES = ['<END>', 'word.', ' \n'];

/**
 * Rounds as the round engine stores them: each chunk joined to the document so far by joinChunk, until a
 * stop sequence ends the job.
 */
function simulateRounds(
  chunks: readonly string[],
  strategies: readonly ContinuationStrategy[],
): StoredRound[] {
  let document = '';
  const rounds: StoredRound[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const strategy = strategies[index % strategies.length] ?? 'prefill';
    const { seam, stoppedAtSequence } = joinChunk(strategy, document, chunk, {
      stopSequences: STOP_SEQUENCES,
      maxTokensPerRound: 40,
    });
    rounds.push({ text: chunk, seam });
    document = applySeam(document, chunk, seam);
    if (stoppedAtSequence) break;
  }
  return rounds;
}

function fold(rounds: readonly StoredRound[]): string {
  return rounds.reduce((document, round) => applySeam(document, round.text, round.seam), '');
}

function stream(rounds: readonly StoredRound[], holdBack: number): { pieces: string[]; lengths: number[] } {
  const assembler = new DocumentAssembler(holdBack);
  const pieces: string[] = [];
  const lengths: number[] = [];
  for (const round of rounds) {
    pieces.push(assembler.push(round.text, round.seam));
    lengths.push(assembler.length);
  }
  pieces.push(assembler.finish());
  return { pieces, lengths };
}

describe('DocumentAssembler', () => {
  it('streams exactly the fold of applySeam over rounds made by joinChunk', () => {
    const longestStop = Math.max(...STOP_SEQUENCES.map((s) => s.length));
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 10 }),
        fc.array(fc.constantFrom<ContinuationStrategy>('prefill', 'instruction'), {
          minLength: 1,
          maxLength: 3,
        }),
        (chunks, strategies) => {
          const rounds = simulateRounds(chunks, strategies);
          const { pieces, lengths } = stream(rounds, longestStop);
          expect(pieces.join('')).toBe(fold(rounds));
          lengths.forEach((length, i) => {
            expect(length).toBe(fold(rounds.slice(0, i + 1)).length);
          });
        },
      ),
      { numRuns: 2000, seed: 20261125 },
    );
  });

  it('never returns half of a surrogate pair', () => {
    const emoji = '😀'.repeat(10 + MAX_REWIND_CHARS / 2);
    const assembler = new DocumentAssembler(3);
    const out = assembler.push(emoji, { keepPrevious: 0, chunkFrom: 0, chunkTo: emoji.length });
    // 20 code units past the rewind bound minus a hold-back of 3 would end inside a pair: it stops one unit earlier.
    expect(out).toBe('😀'.repeat(8));
    expect(assembler.finish()).toBe('😀'.repeat(2 + MAX_REWIND_CHARS / 2));
  });

  it('holds back trailing white space, the rewind bound and the hold-back tail, then releases them', () => {
    const assembler = new DocumentAssembler(2);
    const rewindable = 'r'.repeat(MAX_REWIND_CHARS);
    const text = `abcdef${rewindable}  \n`;
    expect(assembler.push(text, { keepPrevious: 0, chunkFrom: 0, chunkTo: text.length })).toBe('abcd');
    expect(assembler.length).toBe(text.length);
    // A prefill round trims the white space and continues.
    const end = 6 + MAX_REWIND_CHARS;
    expect(assembler.push('gh', { keepPrevious: end, chunkFrom: 0, chunkTo: 2 })).toBe('ef');
    expect(assembler.finish()).toBe(`${rewindable}gh`);
    expect(assembler.length).toBe(end + 2);
  });

  it('accepts a stop-sequence cut within the hold-back', () => {
    const assembler = new DocumentAssembler(5);
    const first = assembler.push('text <EN', { keepPrevious: 0, chunkFrom: 0, chunkTo: 8 });
    const second = assembler.push('D>', { keepPrevious: 5, chunkFrom: 0, chunkTo: 0 });
    expect(first + second + assembler.finish()).toBe('text ');
  });

  it('throws CorruptDocumentError when a seam cuts into text already returned', () => {
    const assembler = new DocumentAssembler(0);
    const text = `abcdef${'r'.repeat(MAX_REWIND_CHARS)}`;
    expect(assembler.push(text, { keepPrevious: 0, chunkFrom: 0, chunkTo: text.length })).toBe('abcdef');
    expect(() => assembler.push('x', { keepPrevious: 3, chunkFrom: 0, chunkTo: 1 })).toThrow(
      CorruptDocumentError,
    );
  });

  it('throws CorruptDocumentError when a seam keeps more than the document holds', () => {
    const assembler = new DocumentAssembler(10);
    assembler.push('abc', { keepPrevious: 0, chunkFrom: 0, chunkTo: 3 });
    expect(() => assembler.push('x', { keepPrevious: 4, chunkFrom: 0, chunkTo: 1 })).toThrow(
      CorruptDocumentError,
    );
  });
});

describe('assembleDocument', () => {
  it('equals the fold of applySeam for arbitrary fitting seams', () => {
    const round = fc
      .tuple(text, fc.nat(), fc.nat(), fc.nat(), fc.nat())
      .map(([chunk, keep, a, b]) => ({ chunk, keep, from: Math.min(a, b), to: Math.max(a, b) }));
    fc.assert(
      fc.property(fc.array(round, { maxLength: 12 }), (raw) => {
        let length = 0;
        const rounds = raw.map(({ chunk, keep, from, to }) => {
          const seam = {
            keepPrevious: keep % (length + 1),
            chunkFrom: from % (chunk.length + 1),
            chunkTo: Math.max(from % (chunk.length + 1), to % (chunk.length + 1)),
          };
          length = seam.keepPrevious + seam.chunkTo - seam.chunkFrom;
          return { text: chunk, seam };
        });
        expect(assembleDocument(rounds)).toBe(fold(rounds));
      }),
      { numRuns: 2000, seed: 4 },
    );
  });

  it('accepts any iterable, including a generator', () => {
    function* rounds() {
      yield { text: 'Hello ', seam: { keepPrevious: 0, chunkFrom: 0, chunkTo: 6 } };
      yield { text: 'world', seam: { keepPrevious: 5, chunkFrom: 0, chunkTo: 5 } };
    }
    expect(assembleDocument(rounds())).toBe('Helloworld');
    expect(assembleDocument([])).toBe('');
  });

  it('folds thousands of large rounds without quadratic copying', () => {
    const chunk = `${'lorem ipsum '.repeat(2000)}\n\n`;
    const rounds = Array.from({ length: 2000 }, (_, i) => ({
      text: chunk,
      seam: { keepPrevious: i * (chunk.length - 2), chunkFrom: 0, chunkTo: chunk.length },
    }));
    const document = assembleDocument(rounds);
    expect(document.length).toBe(2000 * (chunk.length - 2) + 2);
  });
});

describe('foldRounds', () => {
  const numbered = (rounds: StoredRound[]) => rounds.map((round, index) => ({ ...round, round: index + 1 }));

  it('a document folded through round k, then the rounds after k, is the document folded at once', () => {
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom<ContinuationStrategy>('prefill', 'instruction'), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.nat(),
        (chunks, strategies, cut) => {
          const rounds = numbered(simulateRounds(chunks, strategies));
          const k = cut % (rounds.length + 1);
          const cached = foldRounds(EMPTY_DOCUMENT, rounds.slice(0, k));
          expect(cached.round).toBe(k);
          const whole = foldRounds(cached, rounds.slice(k));
          expect(whole).toEqual({ round: rounds.length, text: fold(rounds) });
        },
      ),
      { numRuns: 500, seed: 9 },
    );
  });

  it('refuses a gap: a missing round is a corrupt document, never a shorter one', () => {
    const rounds = numbered(simulateRounds(['one ', 'two ', 'three'], ['prefill']));
    expect(() => foldRounds(EMPTY_DOCUMENT, [rounds[0], rounds[2]] as typeof rounds)).toThrow(
      CorruptDocumentError,
    );
    expect(() => foldRounds({ round: 1, text: 'one' }, rounds.slice(0, 1))).toThrow(/Round 2 is missing/);
  });
});
