import { describe, expect, it } from 'vitest';
import { alignReply } from '../../../functions/core/reply-alignment';

const SENT = 'Intro.\n\n```python\nfor pool in pools:\n    pool.';
const RESUME = { sentLength: SENT.length, tail: 'fill(tide_level)\n', unique: true };
const CONTINUATION = 'fill(tide_level)\n    pool.drain()\n```';

describe('alignReply', () => {
  it('finds the tail at the start of a clean reply', () => {
    expect(alignReply(SENT, RESUME, CONTINUATION)).toBe(0);
  });

  it('finds the tail after white space, chatter, the reopened fence and a repeat, in any combination', () => {
    for (const before of [
      '\n',
      'Certainly — resuming the loop body…\n\n',
      '```python\n',
      'pool.',
      '    pool.',
      'Here we go:\n\n```python\nfor pool in pools:\n    pool.',
    ]) {
      expect(alignReply(SENT, RESUME, before + CONTINUATION), JSON.stringify(before)).toBe(before.length);
    }
  });

  it('prefers an occurrence whose prefix it can explain over an earlier one it cannot', () => {
    const reply = `Notes on fill(tide_level) first.\n\n${CONTINUATION}`;
    expect(alignReply(SENT, RESUME, reply)).toBe(reply.indexOf(CONTINUATION));
  });

  it('accepts a short prefix of an unknown shape, but not a long one', () => {
    expect(alignReply(SENT, RESUME, `Resuming: ${CONTINUATION}`)).toBe(10);
    expect(alignReply(SENT, RESUME, `${'x'.repeat(500)} ${CONTINUATION}`)).toBeUndefined();
  });

  it('does not take a short tail from inside chatter of an unknown shape', () => {
    const sent = '# Ledger Harbor\n\nLedger ';
    const resume = { sentLength: sent.length, tail: 'continu', unique: true };
    expect(alignReply(sent, resume, "Of course. I'll continue from w")).toBeUndefined();
    expect(alignReply(sent, resume, "Of course. I'll go on:\n\ncontinuation river")).toBe(24);
  });

  it('finds a tail that ended a word or line only where the copy ends it too', () => {
    const sent = '```sh\nnpm test\n';
    const resume = { sentLength: sent.length, tail: '```\n', unique: false };
    expect(alignReply(sent, resume, '```\n\nAfter the code')).toBe(0);
    // "```" at the start of "```sh" is not the closing fence: the reply reopened the fence first.
    expect(alignReply(sent, resume, '```sh\n```\n\nAfter the code')).toBe(6);
  });

  it('does not place a reply made only of text already sent when the tail is not unique', () => {
    const sent = 'Meadow of boundary token willow and more words in between ';
    const resume = { sentLength: sent.length, tail: 'wi', unique: false };
    expect(alignReply(sent, resume, 'willow and more')).toBeUndefined();
    expect(alignReply(sent, resume, 'window machine')).toBe(0);
  });

  it('finds nothing in a reply without the tail', () => {
    expect(alignReply(SENT, RESUME, 'pool.drain()\n```')).toBeUndefined();
    expect(alignReply(SENT, RESUME, 'fill(tide')).toBeUndefined();
  });

  it('places a tail that the sent text also ends with only when nothing of the sent text comes before it', () => {
    const sent = 'a machine stone ';
    const resume = { sentLength: sent.length, tail: 'stone ', unique: false };
    expect(alignReply(sent, resume, 'stone   marble')).toBe(0);
    expect(alignReply(sent, resume, 'Sure:\n\nstone   marble')).toBe(7);
    // The cut word again, or the document's own "stone stone": either reading could lose or double text.
    expect(alignReply(sent, resume, 'stone stone   marble')).toBeUndefined();
    expect(alignReply(sent, resume, 'machine stone   marble')).toBeUndefined();
  });
});
