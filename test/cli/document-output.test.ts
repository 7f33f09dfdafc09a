import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDocument } from '../../cli/document-output';

async function* pieces(texts: string[], failAfter?: Error): AsyncGenerator<string> {
  yield* texts;
  if (failAfter) throw failAfter;
}

describe('writeDocument to --out', () => {
  it('writes the pieces exactly and counts characters as the job does (UTF-16 units: 🦀 is two)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'longform-out-')), 'doc.md');
    expect(await writeDocument(pieces(['Tide ', 'pools 🦀\n']), out)).toBe(14);
    expect(readFileSync(out, 'utf8')).toBe('Tide pools 🦀\n');
  });

  it('passes a failure to read the document on as it is, leaving the old file and no temporary one', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'longform-out-'));
    const out = join(directory, 'doc.md');
    writeFileSync(out, 'the old document');
    const unavailable = new Error('the table went away');
    await expect(writeDocument(pieces(['half'], unavailable), out)).rejects.toBe(unavailable);
    expect(readFileSync(out, 'utf8')).toBe('the old document');
    expect(readdirSync(directory)).toEqual(['doc.md']);
  });
});
