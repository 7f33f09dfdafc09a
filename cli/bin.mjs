#!/usr/bin/env node
// The `longform` command (`npx longform`, or after `npm install -g`): runs the TypeScript entry through
// tsx's loader, from wherever it is called.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
