/**
 * Document delivery (`npx tsx bench/document-delivery.ts [--quick]`): how fast `Finalize job` can write a
 * finished document to the documents bucket, to size its timeout.
 *
 * 1. Upload alone: DocumentBucket (8 MiB parts) from text in memory to moto's S3 on loopback.
 * 2. The whole delivery: the document streamed from stored rounds (300,000-character rounds in the local
 *    DynamoDB, dynalite) into the bucket, as Finalize does it.
 *
 * Both servers are local and single-threaded, so these are bounds of the code's own cost, not of AWS:
 * on Lambda, the DynamoDB Query pages (1 MB each) and S3's part uploads set the pace.
 */
import '../cli/process-setup';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DocumentBucket } from '../functions/adapters/document-bucket';
import type { RoundRecord } from '../functions/core/round-record';
import { startLocalServices } from '../scenarios/local-services';
import { startMotoServer } from '../scenarios/moto-server';

const QUICK = process.argv.includes('--quick');
const MIB = 1024 * 1024;
const UPLOAD_SIZES_MIB = QUICK ? [1, 16] : [1, 16, 64, 256];
const STORED_SIZES_MIB = QUICK ? [4] : [4, 32];
const BUCKET = 'longform-bench-documents';
const UNIT = 'Tide pools hold anemones, é € 𝄞.\n'; // 1- to 4-byte UTF-8 characters
const ROUND_CHARACTERS = 300_000;

async function* textOf(bytes: number): AsyncGenerator<string> {
  const piece = UNIT.repeat(Math.ceil((256 * 1024) / Buffer.byteLength(UNIT)));
  for (let sent = 0; sent < bytes; sent += Buffer.byteLength(piece)) yield piece;
}

const moto = await startMotoServer();
const services = await startLocalServices();
const s3 = new S3Client(moto.clientConfig);
try {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const bucket = new DocumentBucket(s3, BUCKET);
  const rows: string[][] = [];
  for (const mib of UPLOAD_SIZES_MIB) {
    const started = performance.now();
    const delivered = await bucket.deliver(`upload-${mib}`, textOf(mib * MIB));
    rows.push(row('upload only', delivered.bytes, performance.now() - started));
  }
  for (const mib of STORED_SIZES_MIB) {
    const jobId = `stored-${mib}`;
    await storeRounds(jobId, mib * MIB);
    const started = performance.now();
    const delivered = await bucket.deliver(jobId, services.store.streamDocument(jobId));
    rows.push(row('stored rounds → bucket', delivered.bytes, performance.now() - started));
  }
  console.log('| path | document | parts | time | throughput |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
} finally {
  s3.destroy();
  await services.stop();
  await moto.stop();
}

function row(path: string, bytes: number, ms: number): string[] {
  const parts = Math.max(1, Math.ceil(bytes / (8 * MIB)));
  return [
    path,
    `${(bytes / MIB).toFixed(1)} MiB`,
    String(parts),
    `${(ms / 1000).toFixed(2)} s`,
    `${(bytes / MIB / (ms / 1000)).toFixed(1)} MiB/s`,
  ];
}

/** Commits rounds of `ROUND_CHARACTERS` each, appended by their seams, until the document has `bytes`. */
async function storeRounds(jobId: string, bytes: number): Promise<void> {
  const text = UNIT.repeat(Math.ceil(ROUND_CHARACTERS / UNIT.length));
  const perRound = Buffer.byteLength(text);
  let characters = 0;
  for (let round = 1; (round - 1) * perRound < bytes; round++) {
    const record: RoundRecord = {
      round,
      text,
      strategy: 'prefill',
      seam: { keepPrevious: characters, chunkFrom: 0, chunkTo: text.length },
      stopReason: 'max_tokens',
      usage: { inputTokens: 0, outputTokens: 0 },
      latencyMs: 0,
      documentCharacters: characters + text.length,
      decision: { next: 'continue', noProgressRounds: 0 },
      createdAt: new Date().toISOString(),
    };
    await services.store.putRound(jobId, record);
    characters += text.length;
  }
}
