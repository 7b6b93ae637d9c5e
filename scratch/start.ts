import { Engine, engineConfig } from '../engine/index.js';
import { MemoryEventStore } from '../adapters/store/memory.js';
import { Flow, T0 } from '../test/support/flow.js';
const engine = new Engine({ store: new MemoryEventStore(), config: engineConfig() });
const flow = new Flow('session-model-memory-1');
console.log(JSON.stringify(await engine.execute(flow.start(T0))).slice(0, 500));
