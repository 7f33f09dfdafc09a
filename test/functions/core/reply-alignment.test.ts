import { describe, expect, it } from 'vitest';
import { alignReply } from '../../../functions/core/reply-alignment';

const SENT = 'Intro.\n\n```python\nfor pool in pools:\n    pool.';
const RESUME = { sentLength: SENT.length, tail: 'fill(tide_level)\n' };
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

  it('finds nothing in a reply without the tail', () => {
    expect(alignReply(SENT, RESUME, 'pool.drain()\n```')).toBeUndefined();
    expect(alignReply(SENT, RESUME, 'fill(tide')).toBeUndefined();
  });
});
