import { sessionMachine } from '../../engine/index.js';
import { html, type Html } from './html.js';

/** One transition of the machine: from a state, on an event type, to a state. */
export interface Transition {
  from: string;
  event: string;
  to: string;
}

interface StateConfig {
  type?: string;
  on?: Record<string, unknown>;
}

/** The targets of one `on` entry: a transition object or a list of guarded ones. */
const targetsOf = (entry: unknown): string[] =>
  (Array.isArray(entry) ? entry : [entry]).flatMap((t) =>
    t && typeof t === 'object' && typeof (t as { target?: unknown }).target === 'string'
      ? [(t as { target: string }).target]
      : [],
  );

/** Issue 15 §2: the machine's states and transitions, read from `engine/machine.ts` itself. */
export function machineGraph(): { initial: string; states: string[]; finals: Set<string>; transitions: Transition[] } {
  const states = sessionMachine.config.states as Record<string, StateConfig>;
  const transitions = Object.entries(states).flatMap(([from, node]) =>
    Object.entries(node.on ?? {}).flatMap(([event, entry]) => targetsOf(entry).map((to) => ({ from, event, to }))),
  );
  const finals = new Set(Object.keys(states).filter((name) => states[name]!.type === 'final'));
  return { initial: String(sessionMachine.config.initial), states: Object.keys(states), finals, transitions };
}

/** Layers by breadth-first depth from the initial state; the final states share one last layer. */
function layers(graph: ReturnType<typeof machineGraph>): string[][] {
  const depth = new Map([[graph.initial, 0]]);
  const queue = [graph.initial];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const { to } of graph.transitions.filter((t) => t.from === from && !graph.finals.has(t.to)))
      if (!depth.has(to)) {
        depth.set(to, depth.get(from)! + 1);
        queue.push(to);
      }
  }
  const last = Math.max(...depth.values()) + 1;
  const out: string[][] = Array.from({ length: last + 1 }, () => []);
  for (const state of graph.states) out[graph.finals.has(state) ? last : (depth.get(state) ?? last)]!.push(state);
  return out;
}

const W = 150;
const H = 30;
const COLUMN = 200;
const ROW = 50;
const MARGIN = 20;

/** The states this session went through, in order (with repeats), and the one it is in. */
export interface SessionPath {
  states: string[];
  current: string;
}

/**
 * The machine as an SVG: states as boxes in layers, transitions as arrows (one per pair of
 * states, its title naming the event types); the states and transitions of `path` marked
 * `visited`, its current state `current` (the console's CSS draws them).
 */
export function machineSvg(path: SessionPath): Html {
  const graph = machineGraph();
  const position = new Map<string, { x: number; y: number }>();
  const columns = layers(graph);
  for (const [c, column] of columns.entries())
    for (const [r, state] of column.entries()) position.set(state, { x: MARGIN + c * COLUMN, y: MARGIN + r * ROW });
  const taken = new Set(path.states.slice(1).map((to, i) => `${path.states[i]}>${to}`));
  const pairs = new Map<string, Transition[]>();
  for (const t of graph.transitions) pairs.set(`${t.from}>${t.to}`, [...(pairs.get(`${t.from}>${t.to}`) ?? []), t]);
  const edges = [...pairs].map(([key, ts]) => {
    const a = position.get(ts[0]!.from)!;
    const b = position.get(ts[0]!.to)!;
    const d =
      key.split('>')[0] === key.split('>')[1]
        ? `M${a.x + W - 30},${a.y} c0,-18 24,-18 24,0`
        : b.x > a.x
          ? `M${a.x + W},${a.y + H / 2} C${a.x + W + 30},${a.y + H / 2} ${b.x - 30},${b.y + H / 2} ${b.x},${b.y + H / 2}`
          : `M${a.x + W / 2},${a.y + H} C${a.x + W / 2 + 60},${a.y + H + 20} ${b.x + W / 2 + 60},${b.y - 20} ${b.x + W / 2},${b.y}`;
    const events = [...new Set(ts.map((t) => t.event))].join(', ');
    const cls = taken.has(key) ? 'edge visited' : /^(Expired|Erased)$/.test(events) ? 'edge ending' : 'edge';
    return html`<path class="${cls}" d="${d}" data-transition="${key}" marker-end="url(#arrow)"><title>${ts[0]!.from} → ${ts[0]!.to}: ${events}</title></path>`;
  });
  const visited = new Set(path.states);
  const nodes = graph.states.map((state) => {
    const { x, y } = position.get(state)!;
    const cls = [
      'state',
      visited.has(state) && 'visited',
      state === path.current && 'current',
      graph.finals.has(state) && 'final',
    ]
      .filter(Boolean)
      .join(' ');
    return html`<g class="${cls}" data-state="${state}"><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6"></rect><text x="${x + W / 2}" y="${y + H / 2 + 4}">${state}</text></g>`;
  });
  const width = MARGIN * 2 + (columns.length - 1) * COLUMN + W;
  const height = MARGIN * 2 + Math.max(...columns.map((c) => c.length)) * ROW;
  return html`<svg class="machine" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="the auth_session machine, this session's path marked">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs>
${edges}${nodes}</svg>`;
}
