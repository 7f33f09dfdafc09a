/**
 * The emulator's "model": one deterministic markdown document per (system prompt, first user prompt):
 * headings, paragraphs, lists, indented and fenced code, tables, CJK, emoji, runs of white space, lines
 * the document repeats on purpose, and document lines that read like a model's chatter.
 *
 * Length: a first user prompt containing `[emulator:tokens=N]` (N from 50 to 950000, clamped: a document that still fits a 1M-token context window) gets a
 * document of about N tokens; otherwise the caller's default (1500 unless configured).
 */
import { createRandom, hashString, type SeededRandom } from './seeded-random';

/** Matches the length directive inside a first user prompt. */
const TOKENS_DIRECTIVE = /\[emulator:tokens=(\d+)\]/;
const MIN_TOKENS = 50;
const MAX_TOKENS = 950_000;
/** The tokenizer's token lengths are uniform over 1-5 code units. */
const MEAN_CHARS_PER_TOKEN = 3;
/** Default document length when neither the prompt nor the caller chooses one. */
export const DEFAULT_DOCUMENT_TOKENS = 1500;

const WORDS = [
  'alpha',
  'bedrock',
  'river',
  'stone',
  'ledger',
  'quiet',
  'lantern',
  'orbit',
  'harvest',
  'signal',
  'meadow',
  'copper',
  'thread',
  'window',
  'pattern',
  'archive',
  'summit',
  'falcon',
  'ember',
  'canvas',
  'anchor',
  'prism',
  'tide',
  'garden',
  'compass',
  'velvet',
  'marble',
  'cinder',
  'willow',
  'harbor',
  'the',
  'a',
  'of',
  'and',
  'to',
  'in',
  'with',
  'for',
  'on',
  'is',
  'was',
  'under',
  'between',
  'every',
  'continuation',
  'document',
  'paragraph',
  'sequence',
  'boundary',
  'token',
  'state',
  'machine',
];
const CJK_SENTENCES = [
  'これは長い文書の一部です。',
  '東京の朝はとても静かでした。',
  '我们继续讨论这个问题。',
  '数据存储在表格中，每一轮都会追加文本。',
  '문서는 계속됩니다.',
  '한국어 문장도 여기에 있습니다.',
];
const EMOJI = ['👩‍💻', '👨‍👩‍👧', '🚀', '🎉', '👍🏽', '🇯🇵', '✨', '🧪', '🏳️‍🌈'];
const NBSP = '\u00a0';

function words(random: SeededRandom, min: number, max: number): string[] {
  const count = random.int(min, max);
  return Array.from({ length: count }, () => random.pick(WORDS));
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function sentence(random: SeededRandom): string {
  const parts = words(random, 4, 14);
  parts[0] = capitalize(parts[0] ?? 'alpha');
  let text = '';
  for (const [i, word] of parts.entries()) {
    if (i > 0) {
      const roll = random.next();
      text += roll < 0.04 ? '   ' : roll < 0.07 ? NBSP : roll < 0.1 ? ', ' : ' ';
    }
    text += word;
    if (random.next() < 0.03) text += ` ${random.pick(EMOJI)}`;
  }
  return `${text}${random.pick(['.', '.', '.', '!', '?', ':'])}`;
}

function paragraph(random: SeededRandom): string {
  const count = random.int(2, 6);
  let text = '';
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      const roll = random.next();
      // Markdown hard line breaks (two trailing spaces) and CRLF line ends are both in the mix.
      text += roll < 0.12 ? '  \n' : roll < 0.16 ? '\r\n' : ' ';
    }
    text += sentence(random);
  }
  return text;
}

function heading(random: SeededRandom): string {
  const level = random.next() < 0.7 ? '##' : '###';
  return `${level} ${words(random, 2, 5).map(capitalize).join(' ')}`;
}

function list(random: SeededRandom): string {
  const ordered = random.next() < 0.4;
  const count = random.int(2, 6);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const marker = ordered ? `${i + 1}.` : '-';
    lines.push(`${marker} ${words(random, 2, 9).join(' ')}${random.next() < 0.15 ? ' ' : ''}`);
    if (random.next() < 0.25) lines.push(`  - ${words(random, 1, 6).join(' ')}`);
  }
  return lines.join('\n');
}

function indentedCode(random: SeededRandom): string {
  const count = random.int(2, 6);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const indent = random.next() < 0.2 ? '\t' : random.next() < 0.3 ? '        ' : '    ';
    const name = random.pick(WORDS);
    const trailing = random.next() < 0.15 ? '   ' : '';
    lines.push(`${indent}const ${name}${i} = '${random.pick(WORDS)}';${trailing}`);
  }
  return lines.join('\n');
}

function table(random: SeededRandom): string {
  const columns = random.int(2, 4);
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const header = Array.from({ length: columns }, () => capitalize(random.pick(WORDS)));
  const rows = [row(header), row(header.map(() => '---'))];
  const count = random.int(2, 4);
  for (let i = 0; i < count; i++) {
    rows.push(
      row(
        header.map(() =>
          random.next() < 0.2 ? random.pick(CJK_SENTENCES) : `${random.pick(WORDS)}  ${random.int(0, 999)}`,
        ),
      ),
    );
  }
  return rows.join('\n');
}

function fencedCode(random: SeededRandom): string {
  const language = random.pick(['ts', 'js', 'python', 'sh', '']);
  const count = random.int(2, 7);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const indent = random.pick(['', '', '  ', '    ']);
    lines.push(`${indent}${random.pick(WORDS)}_${i} = ${random.pick(WORDS)}(${random.int(0, 99)})`);
  }
  return `\`\`\`${language}\n${lines.join('\n')}\n\`\`\``;
}

/** Lines a document legitimately repeats: a refrain, a checklist, identical table rows. */
function repeatedLines(random: SeededRandom): string {
  const roll = random.next();
  const times = random.int(2, 3);
  if (roll < 0.35) {
    const item = `- [ ] ${words(random, 2, 7).join(' ')}`;
    return Array.from({ length: times }, () => item).join('\n');
  }
  if (roll < 0.65) {
    const row = `| ${random.pick(WORDS)} | ${random.int(0, 9)} |`;
    return ['| Item | Count |', '| --- | --- |', ...Array.from({ length: times }, () => row)].join('\n');
  }
  const refrain = sentence(random);
  return Array.from({ length: times }, () => refrain).join('\n\n');
}

/** A line that reads like a model's chatter but is the document's own text. */
function chatterLikeLine(random: SeededRandom): string {
  const line = random.pick([
    'Here is the plan:',
    "Here's the rest of the list:",
    'Here are the remaining steps:',
    'Continuing the setup:',
    'Picking up where we left off last week:',
    'Sure, here is how it works.',
  ]);
  return `${line}\n\n${random.next() < 0.5 ? list(random) : paragraph(random)}`;
}

function cjkParagraph(random: SeededRandom): string {
  const count = random.int(2, 5);
  let text = '';
  for (let i = 0; i < count; i++) {
    text += random.pick(CJK_SENTENCES);
    if (random.next() < 0.3) text += random.pick(EMOJI);
  }
  return text;
}

function block(random: SeededRandom): string {
  const roll = random.next();
  if (roll < 0.13) return heading(random);
  if (roll < 0.24) return list(random);
  if (roll < 0.3) return indentedCode(random);
  if (roll < 0.37) return fencedCode(random);
  if (roll < 0.42) return table(random);
  if (roll < 0.49) return cjkParagraph(random);
  if (roll < 0.55) return repeatedLines(random);
  if (roll < 0.59) return chatterLikeLine(random);
  return paragraph(random);
}

function separator(random: SeededRandom): string {
  const roll = random.next();
  // Runs of blank lines stay short: a continuation loop must always be able to get past them.
  if (roll < 0.08) return '\n\n\n\n';
  if (roll < 0.12) return '\r\n\r\n';
  if (roll < 0.16) return '\n\n\n';
  return '\n\n';
}

function generate(seed: number, tokens: number): string {
  const random = createRandom(seed);
  const targetChars = tokens * MEAN_CHARS_PER_TOKEN;
  const parts = [`# ${words(random, 2, 5).map(capitalize).join(' ')}`, '\n\n', paragraph(random)];
  let length = parts.reduce((sum, part) => sum + part.length, 0);
  while (length < targetChars) {
    const sep = separator(random);
    const next = block(random);
    parts.push(sep, next);
    length += sep.length + next.length;
  }
  const document = parts.join('');
  // The last block may overshoot a short target by hundreds of tokens: end at a word boundary instead.
  const lastSpace = document.lastIndexOf(' ', targetChars);
  return document.length > targetChars * 1.05 && lastSpace > 0
    ? document.slice(0, lastSpace).trimEnd()
    : document;
}

/** The number of tokens asked for by a `[emulator:tokens=N]` directive, clamped; undefined without one. */
export function documentTokensDirective(prompt: string): number | undefined {
  const match = TOKENS_DIRECTIVE.exec(prompt);
  if (!match) return undefined;
  return Math.min(MAX_TOKENS, Math.max(MIN_TOKENS, Number(match[1])));
}

const CACHE_SIZE = 8;
const cache = new Map<string, string>();

/**
 * The exact document the emulator's model writes for this system prompt and first user prompt.
 * Seeded by a hash of both texts; about `[emulator:tokens=N]` tokens long when the prompt carries that
 * directive, otherwise `defaultTokens` (default {@link DEFAULT_DOCUMENT_TOKENS}). The last few documents
 * are cached, so a continuation loop does not regenerate its document on every request.
 */
export function targetDocument(input: { system?: string; prompt: string; defaultTokens?: number }): string {
  const system = input.system ?? '';
  const tokens = documentTokensDirective(input.prompt) ?? input.defaultTokens ?? DEFAULT_DOCUMENT_TOKENS;
  const key = `${tokens}\u0000${system}\u0000${input.prompt}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const document = generate(hashString(`${system}\u0000${input.prompt}`), tokens);
  cache.set(key, document);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return document;
}
