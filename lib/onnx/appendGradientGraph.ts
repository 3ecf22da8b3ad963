/**
 * Reverse-mode differentiation of an {@link OnnxGraph}, for the density network's op set: the
 * graph is extended with the nodes of the backward pass (vector–Jacobian products,
 * {@link VJP_RULES}), so that one ONNX Runtime session computes the forward values and the
 * gradients together.
 *
 * The gradient of a scalar Σ seed ⊙ value, for one or more seeded values (e.g. `logits` seeded
 * with a one-hot row per image, as Grad-CAM's ∂y_c/∂A), is formed with respect to the `wrt`
 * values (activations such as `add_6`, the graph input for saliency, or parameters). Only nodes on
 * a path from a `wrt` value to a seeded value are differentiated; contributions of a value with
 * several consumers are summed (`Sum`).
 */
import type { DescribedGraph } from './describeDensityNetwork';
import type { OnnxAttribute, OnnxNode } from './onnxGraph';
import { VJP_RULES, type VjpContext, type VjpRule } from './vjpRules';

/** Options of {@link appendGradientGraph}. */
export interface GradientGraphOptions {
  /** Seeded values → name of the new graph input holding the seed (same shape as the value). */
  seeds: Record<string, string>;
  /** Values to differentiate with respect to (activations, graph inputs or initializers). */
  wrt: string[];
  /** Rules to use; default {@link VJP_RULES}. */
  rules?: Readonly<Record<string, VjpRule>>;
}

/** Result of {@link appendGradientGraph}. */
export interface GradientGraph {
  /** The forward graph plus the backward nodes; the seed inputs are added to `inputs`. */
  graph: DescribedGraph;
  /** For each `wrt` value, the name of the value holding its gradient (same shape). */
  gradients: Record<string, string>;
}

/** Values that depend on any of `roots` (forward reachability through the nodes). */
function dependents(nodes: OnnxNode[], roots: string[]): Set<string> {
  const active = new Set(roots);
  for (const n of nodes)
    if (n.inputs.some((i) => active.has(i))) for (const o of n.outputs) active.add(o);
  return active;
}

/**
 * Append the backward pass to a graph.
 * @param forward Graph with `valueShapes` (from `describeDensityNetwork`, folded or not); not
 *   modified.
 * @param options Seeds and `wrt` values.
 * @returns A new graph (forward nodes are shared, MaxPool nodes on the path get an indices output)
 *   and the gradient value names. A `wrt` value the seeds do not depend on gets a zero gradient
 *   value of its shape.
 * @throws Error when a node on the path has no rule.
 */
export function appendGradientGraph(
  forward: DescribedGraph,
  options: GradientGraphOptions,
): GradientGraph {
  const rules = options.rules ?? VJP_RULES;
  const nodes = forward.nodes.map((n) => ({ ...n, outputs: [...n.outputs] }));
  const graph: DescribedGraph = {
    ...forward,
    nodes,
    initializers: [...forward.initializers],
    inputs: [...forward.inputs],
    outputs: [...forward.outputs],
    valueShapes: { ...forward.valueShapes },
  };
  const backward: OnnxNode[] = [];
  const ctx = createVjpContext(graph, nodes, backward);
  const active = dependents(nodes, options.wrt);
  const contributions = new Map<string, string[]>();
  const add = (value: string, grad: string): void => {
    if (grad) contributions.set(value, [...(contributions.get(value) ?? []), grad]);
  };
  const total = (value: string): string => {
    const parts = contributions.get(value) ?? [];
    if (parts.length <= 1) return parts[0] ?? '';
    const sum = ctx.emit('Sum', parts, undefined, graph.valueShapes[value]);
    contributions.set(value, [sum]);
    return sum;
  };
  for (const [value, seed] of Object.entries(options.seeds)) {
    const shape = graph.valueShapes[value];
    if (!shape) throw new Error(`appendGradientGraph: unknown seeded value ${value}`);
    graph.inputs.push({ name: seed, dtype: 'float32', shape: shape.map((d) => (d < 0 ? 'N' : d)) });
    add(value, seed);
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const dOut = node.outputs.map((o) => (active.has(o) ? total(o) : ''));
    if (dOut.every((g) => g === '')) continue;
    const needs = node.inputs.map((v) => v !== '' && active.has(v));
    if (!needs.some(Boolean)) continue;
    const rule = rules[node.op];
    if (!rule)
      throw new Error(`appendGradientGraph: no gradient rule for ${node.op} (node ${node.name})`);
    const dIn = rule(ctx, node, dOut, needs);
    node.inputs.forEach((v, k) => needs[k] && add(v, dIn[k] ?? ''));
  }
  const gradients: Record<string, string> = {};
  for (const w of options.wrt) {
    let g = total(w);
    if (!g) {
      const shape = ctx.emit('Shape', [w]);
      g = ctx.emit('ConstantOfShape', [shape], undefined, graph.valueShapes[w]);
    }
    gradients[w] = g;
  }
  graph.nodes = [...nodes, ...backward];
  return { graph, gradients };
}

/**
 * The context gradient rules write through: new backward nodes go to `backward`, constants to
 * the graph's initializers, forward values a rule needs become extra outputs of their node.
 */
function createVjpContext(
  graph: DescribedGraph,
  nodes: OnnxNode[],
  backward: OnnxNode[],
): VjpContext {
  const readers = new Map<string, OnnxNode[]>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  let counter = 0;
  const fresh = (hint: string): string => `grad/${hint}_${++counter}`;
  return {
    emit(
      op: string,
      inputs: string[],
      attributes?: Record<string, OnnxAttribute>,
      shape?: number[],
    ): string {
      const out = fresh(op);
      backward.push({ op, name: out, inputs, outputs: [out], attributes });
      if (shape) graph.valueShapes[out] = shape;
      return out;
    },
    constant(hint, dims, data) {
      const name = fresh(hint);
      graph.initializers.push({ name, dtype: 'float32', dims, data });
      return name;
    },
    int64(hint, values) {
      const name = fresh(hint);
      graph.initializers.push({
        name,
        dtype: 'int64',
        dims: [values.length],
        data: BigInt64Array.from(values.map(BigInt)),
      });
      return name;
    },
    shapeOf(value) {
      const s = graph.valueShapes[value];
      if (!s) throw new Error(`appendGradientGraph: no static shape for ${value}`);
      return s;
    },
    initializer(name) {
      const init = graph.initializers.find((i) => i.name === name);
      if (!init || init.dtype !== 'float32')
        throw new Error(`appendGradientGraph: ${name} is not a float initializer`);
      return init.data;
    },
    consumers(value) {
      return readers.get(value) ?? [];
    },
    addForwardOutput(node, suffix) {
      const target = nodes.find((n) => n.name === node.name)!;
      const name = `${node.name}_${suffix}`;
      if (!target.outputs.includes(name)) target.outputs.push(name);
      return name;
    },
  };
}
