import { describe, expect, it } from 'vitest';
import {
  buildConversation,
  CONTINUE_INSTRUCTION,
  chooseRoundStrategy,
  resolveStrategy,
  resumeInstruction,
} from '../../../functions/core/conversation';
import type { JobConfig } from '../../../functions/core/job-config';
import { instructionResumePoint } from '../../../functions/core/resume-point';

const CONFIG: JobConfig = {
  messages: [
    { role: 'user', text: 'Write a guide' },
    { role: 'assistant', text: 'Which topic?' },
    { role: 'user', text: 'Rust' },
  ],
  modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  api: 'converse',
  maxTokensPerRound: 10,
  maxRounds: 5,
  continuation: 'auto',
  stopSequences: [],
};

describe('resolveStrategy', () => {
  it('auto starts with prefill and keeps a recorded switch', () => {
    expect(resolveStrategy('auto', undefined)).toBe('prefill');
    expect(resolveStrategy('auto', 'instruction')).toBe('instruction');
    expect(resolveStrategy('auto', 'prefill')).toBe('prefill');
  });

  it('an explicit mode ignores what is recorded', () => {
    expect(resolveStrategy('prefill', 'instruction')).toBe('prefill');
    expect(resolveStrategy('instruction', undefined)).toBe('instruction');
  });
});

describe('buildConversation', () => {
  it('sends the job messages in round 1 whatever the strategy', () => {
    for (const strategy of ['prefill', 'instruction'] as const) {
      expect(buildConversation(CONFIG, '', strategy)).toEqual(CONFIG.messages);
    }
  });

  it('prefill adds the document without trailing white space as the final assistant turn', () => {
    const turns = buildConversation(CONFIG, '# Guide\n\nFirst  \n\t', 'prefill');
    expect(turns).toEqual([...CONFIG.messages, { role: 'assistant', text: '# Guide\n\nFirst' }]);
  });

  it('prefill sends no assistant turn for a whitespace-only document', () => {
    expect(buildConversation(CONFIG, ' \n\u00a0', 'prefill')).toEqual(CONFIG.messages);
  });

  it('instruction sends the document up to its resume point and quotes the rest in the user turn', () => {
    const document = '# Guide\n\nFirst steps in Rust come next.  \n';
    const turns = buildConversation({ ...CONFIG, maxTokensPerRound: 100 }, document, 'instruction');
    const resume = instructionResumePoint(document, 100);
    expect(resume).toEqual({ sentLength: 21, tail: 'in Rust come next.  \n', unique: true });
    expect(turns).toEqual([
      ...CONFIG.messages,
      { role: 'assistant', text: '# Guide\n\nFirst steps ' },
      { role: 'user', text: resumeInstruction('in Rust come next.  \n', false) },
    ]);
  });

  it('instruction asks strictly after a round that added nothing', () => {
    const document = 'A sentence long enough to quote its end.';
    const strict = buildConversation(CONFIG, document, 'instruction', { strict: true }).at(-1)?.text;
    const plain = buildConversation(CONFIG, document, 'instruction').at(-1)?.text;
    expect(strict).not.toBe(plain);
    expect(strict).toMatch(/did not begin with the quoted text/);
  });

  it('instruction sends the whole document in rounds too small to quote a tail', () => {
    const document = 'A sentence so far\n\n';
    expect(buildConversation({ ...CONFIG, maxTokensPerRound: 2 }, document, 'instruction')).toEqual([
      ...CONFIG.messages,
      { role: 'assistant', text: document },
      { role: 'user', text: CONTINUE_INSTRUCTION },
    ]);
  });

  it('instruction quotes all of a document with too little text to keep some', () => {
    expect(buildConversation(CONFIG, '  Hi', 'instruction')).toEqual([
      ...CONFIG.messages.slice(0, 2),
      { role: 'user', text: `Rust\n\n${resumeInstruction('Hi', false)}` },
    ]);
  });

  it('instruction sends just the messages for a whitespace-only document', () => {
    expect(buildConversation(CONFIG, '\n\n', 'instruction')).toEqual(CONFIG.messages);
  });

  it('never emits empty text and keeps roles alternating, starting and ending as Bedrock requires', () => {
    for (const soFar of ['', ' ', 'text', 'text ']) {
      for (const strategy of ['prefill', 'instruction'] as const) {
        const turns = buildConversation(CONFIG, soFar, strategy);
        expect(turns[0]?.role).toBe('user');
        turns.forEach((turn, i) => {
          expect(turn.text.trim()).not.toBe('');
          if (i > 0) expect(turn.role).not.toBe(turns[i - 1]?.role);
        });
        if (strategy === 'instruction') expect(turns.at(-1)?.role).toBe('user');
        if (strategy === 'prefill') expect(turns.at(-1)?.text).toBe(turns.at(-1)?.text.trimEnd());
      }
    }
  });

  it('merges consecutive same-role turns', () => {
    const config: JobConfig = {
      ...CONFIG,
      messages: [
        { role: 'user', text: 'a' },
        { role: 'user', text: 'b' },
      ],
    };
    expect(buildConversation(config, '', 'prefill')).toEqual([{ role: 'user', text: 'a\n\nb' }]);
  });

  it('does not modify the job messages', () => {
    const before = structuredClone(CONFIG.messages);
    buildConversation(CONFIG, 'doc', 'instruction');
    expect(CONFIG.messages).toEqual(before);
  });

  it('asks to begin with the quoted tail exactly, without repetition or commentary', () => {
    const text = resumeInstruction('the tail `x`\n', false);
    expect(text).toContain('<resume_from>the tail `x`\n</resume_from>');
    expect(text).toMatch(/begin your reply with exactly/i);
    expect(text).toMatch(/no repeated text/i);
    expect(text).toMatch(/no commentary/i);
  });
});

describe('chooseRoundStrategy', () => {
  it('keeps the job strategy while rounds make progress', () => {
    expect(chooseRoundStrategy('prefill', undefined, 'text  ', 0)).toBe('prefill');
    expect(chooseRoundStrategy('auto', 'prefill', 'text\n', 0)).toBe('prefill');
    expect(chooseRoundStrategy('instruction', undefined, 'text ', 1)).toBe('instruction');
  });

  it('sends one round as instruction when a prefill round added only white space that prefill would trim', () => {
    expect(chooseRoundStrategy('prefill', undefined, 'text   ', 1)).toBe('instruction');
    expect(chooseRoundStrategy('auto', 'prefill', 'text\n\n', 1)).toBe('instruction');
    expect(chooseRoundStrategy('prefill', undefined, 'text', 1)).toBe('prefill');
  });
});
