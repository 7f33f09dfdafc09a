/** The Bedrock Runtime emulator: public API. */

export { type Generation, type GenerationInput, generateContinuation } from './continuation';
export type { Conversation, Turn } from './conversation';
export type { EmulatorFaults, FaultKind } from './faults';
export type { InstructionQuirks } from './instruction-quirks';
export { EMULATOR_MODELS, type ModelSpec, resolveModel } from './model-catalog';
export { type EmulatorOptions, type RunningEmulator, startBedrockEmulator } from './server';
export { DEFAULT_DOCUMENT_TOKENS, targetDocument } from './target-document';
export { countTokens } from './tokenizer';
