import { describe, expect, it } from 'vitest';
import { generateContinuation, matchedLength } from '../../../local/bedrock-emulator/continuation';
import type { Conversation } from '../../../local/bedrock-emulator/conversation';
import { targetDocument } from '../../../local/bedrock-emulator/target-document';
import { countTokens } from '../../../local/bedrock-emulator/tokenizer';

const prompt = 'Write about rivers [emulator:tokens=2000]';
const doc = targetDocument({ system: 'sys', prompt });

function prefilled(assistant: string): Conversation {
  return {
    system: 'sys',
    messages: [
      { role: 'user', texts: [prompt] },
      { role: 'assistant', texts: [assistant] },
    ],
  };
}

function instructed(assistant: string): Conversation {
  return {
    system: 'sys',
    messages: [
      { role: 'user', texts: [prompt] },
      { role: 'assistant', texts: [assistant] },
      { role: 'user', texts: ['Continue exactly where you stopped.'] },
    ],
  };
}

describe('generateContinuation', () => {
  it('starts at the beginning without an assistant turn and stops at max_tokens', () => {
    const result = generateContinuation({
      conversation: { system: 'sys', messages: [{ role: 'user', texts: [prompt] }] },
      maxTokens: 37,
    });
    expect(result.stopReason).toBe('max_tokens');
    expect(result.outputTokens).toBe(37);
    expect(doc.startsWith(result.text)).toBe(true);
    expect(countTokens(result.text)).toBe(37);
  });

  it('continues a prefill that is a prefix exactly after it', () => {
    const sent = doc.slice(0, 500).trimEnd();
    const result = generateContinuation({ conversation: prefilled(sent), maxTokens: 50 });
    expect(doc.startsWith(sent + result.text)).toBe(true);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('continues a corrupted prefill from where it stops matching', () => {
    const corrupted = `${doc.slice(0, 300)}XXXX corrupted tail`;
    const result = generateContinuation({ conversation: prefilled(corrupted), maxTokens: 20 });
    expect(doc.slice(300).startsWith(result.text)).toBe(true);
    expect(matchedLength(doc, corrupted)).toBe(300);
  });

  it('never continues from inside a surrogate pair', () => {
    const emoji = doc.search(/[\ud800-\udbff]/);
    expect(emoji).toBeGreaterThan(0);
    const corrupted = `${doc.slice(0, emoji + 1)}\udc00`;
    expect(matchedLength(doc, corrupted)).toBe(emoji);
  });

  it('ends the turn when the document is exhausted', () => {
    const result = generateContinuation({
      conversation: prefilled(doc.slice(0, -10).trimEnd()),
      maxTokens: 4096,
    });
    expect(result.stopReason).toBe('end_turn');
    expect(doc.endsWith(result.text)).toBe(true);
    const done = generateContinuation({ conversation: prefilled(doc), maxTokens: 10 });
    expect(done).toEqual({ text: '', stopReason: 'end_turn', outputTokens: 0 });
  });

  it('honours stop sequences only inside the generated text', () => {
    const sent = doc.slice(0, 200).trimEnd();
    const full = generateContinuation({ conversation: prefilled(sent), maxTokens: 60 });
    const stop = full.text.slice(20, 26);
    const cut = generateContinuation({ conversation: prefilled(sent), maxTokens: 60, stopSequences: [stop] });
    expect(cut.stopReason).toBe('stop_sequence');
    expect(cut.stopSequence).toBe(stop);
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(cut.outputTokens).toBeLessThan(full.outputTokens);
    const acrossTheSeam = sent.slice(-5) + full.text.slice(0, 3);
    expect(full.text.includes(acrossTheSeam)).toBe(false);
    const notCut = generateContinuation({
      conversation: prefilled(sent),
      maxTokens: 60,
      stopSequences: [acrossTheSeam],
    });
    expect(notCut).toEqual(full);
  });

  it('continues after the assistant text in instruction mode, without quirks by default', () => {
    const sent = doc.slice(0, 400);
    const result = generateContinuation({ conversation: instructed(sent), maxTokens: 30 });
    expect(doc.startsWith(sent + result.text)).toBe(true);
  });

  it('adds seeded quirks in instruction mode before the real continuation, and none with prefill', () => {
    const sent = doc.slice(0, 400);
    const quirks = {
      seed: 3,
      leadingWhitespaceRate: 1,
      overlapRate: 1,
      overlapChars: [12, 12] as [number, number],
    };
    const result = generateContinuation({ conversation: instructed(sent), maxTokens: 200, quirks });
    expect([' ', '\n']).toContain(result.text.charAt(0));
    const rest = result.text.slice(1);
    expect(rest.startsWith(sent.slice(-12))).toBe(true);
    expect(doc.startsWith(sent + rest.slice(12))).toBe(true);
    expect(result.outputTokens).toBe(200);
    expect(generateContinuation({ conversation: instructed(sent), maxTokens: 200, quirks })).toEqual(result);
    const prefill = generateContinuation({ conversation: prefilled(sent.trimEnd()), maxTokens: 200, quirks });
    expect(doc.startsWith(sent.trimEnd() + prefill.text)).toBe(true);
  });

  it('leaves out the white space that should come first when ws-drop fires', () => {
    const before = doc.indexOf('\n\n', 300);
    const sent = doc.slice(0, before);
    const result = generateContinuation({
      conversation: instructed(sent),
      maxTokens: 30,
      quirks: { seed: 1, wsDropRate: 1 },
    });
    const dropped = doc.slice(before).length - doc.slice(before).trimStart().length;
    expect(dropped).toBeGreaterThan(0);
    expect(doc.slice(before + dropped).startsWith(result.text)).toBe(true);
  });

  it('applies each quirk at its rate, reproducibly per seed', () => {
    let restarted = 0;
    for (let i = 0; i < 200; i++) {
      const sent = doc.slice(0, 100 + i);
      const result = generateContinuation({
        conversation: instructed(sent),
        maxTokens: 40,
        quirks: { seed: 9, lineRestartRate: 0.3 },
      });
      if (!doc.startsWith(sent + result.text)) restarted++;
    }
    expect(restarted).toBeGreaterThan(30);
    expect(restarted).toBeLessThan(90);
  });
});
