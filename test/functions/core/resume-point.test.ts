import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  instructionResumePoint,
  MAX_REWIND_CHARS,
  MIN_RESUME_TOKENS,
} from '../../../functions/core/resume-point';

const text = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '😀', '文', '-', '|'),
  maxLength: 400,
});

describe('instructionResumePoint', () => {
  it('splits the document into what is sent and a tail that starts with text, within the bounds', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 5000 }), (document, budget) => {
        const resume = instructionResumePoint(document, budget);
        if (document.trim() === '' || budget < MIN_RESUME_TOKENS) return resume === undefined;
        if (!resume) return false;
        const tailText = resume.tail.trimEnd();
        expect(document.slice(0, resume.sentLength) + resume.tail).toBe(document);
        expect(resume.tail).toMatch(/^\S/u);
        expect(resume.tail.charCodeAt(0) >= 0xdc00 && resume.tail.charCodeAt(0) <= 0xdfff).toBe(false);
        expect(tailText.length).toBeLessThanOrEqual(MAX_REWIND_CHARS);
        return true;
      }),
    );
  });

  it('quotes a word start about 16 characters from the end', () => {
    const resume = instructionResumePoint('The tide comes in twice a day along this coast.\n\n', 1000);
    expect(resume?.tail).toBe('along this coast.\n\n');
  });

  it('quotes less for small rounds, so a round can still add text, and nothing for the smallest', () => {
    expect(instructionResumePoint('alpha beta gamma delta', 7)?.tail).toBe('lta');
    expect(instructionResumePoint('alpha beta gamma delta', 4)?.tail).toBe('ta');
    expect(instructionResumePoint('alpha beta gamma delta', 3)).toBeUndefined();
  });

  it('reaches further back while the tail also occurs just before the cut', () => {
    const row = '| tide | 2 |';
    const document = `| Item | Count |\n| --- | --- |\n${row}\n${row}\n${row}`;
    const resume = instructionResumePoint(document, 1000);
    const tail = resume?.tail ?? '';
    expect(document.slice(0, resume?.sentLength).includes(tail)).toBe(false);
    expect(tail.length).toBeGreaterThan(row.length);
  });

  it('reaches back further when asked strictly, to find a tail a small round could not make unique', () => {
    const document = 'The machine was made of stone stone';
    expect(instructionResumePoint(document, 12)).toMatchObject({ tail: 'stone', unique: false });
    const strict = instructionResumePoint(document, 12, true);
    expect(strict?.unique).toBe(true);
    expect(strict?.tail.length).toBeLessThanOrEqual(11);
  });

  it('quotes all of a document with too little text to keep some, and nothing of white space alone', () => {
    expect(instructionResumePoint('\n\nHi', 1000)).toEqual({ sentLength: 2, tail: 'Hi', unique: true });
    expect(instructionResumePoint(' \n\t', 1000)).toBeUndefined();
  });

  it('starts the tail after a long run of white space when the text before it is too far back', () => {
    const document = `word${' '.repeat(300)}end`;
    expect(instructionResumePoint(document, 1000)?.tail).toBe('end');
  });
});
