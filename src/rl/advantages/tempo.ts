import { assertMatrix, numberOption } from "../validate.js";
import { grpoAdvantages } from "./grpo.js";
import { DEFAULT_EPSILON } from "./types.js";

interface PrefixNode {
  children: Map<number, number>;
  sum: number;
  count: number;
}

/** Prefix-to-Tree: a trie over the group's token sequences; each node sums the advantages through it. */
function buildPrefixTree(tokens_N_T: number[][], advantages_N: number[]): PrefixNode[] {
  const nodes: PrefixNode[] = [{ children: new Map(), sum: 0, count: 0 }];
  tokens_N_T.forEach((tokens_T, sample) => {
    let node = 0;
    nodes[node].sum += advantages_N[sample];
    nodes[node].count++;
    for (const token of tokens_T) {
      let child = nodes[node].children.get(token);
      if (child === undefined) {
        child = nodes.length;
        nodes.push({ children: new Map(), sum: 0, count: 0 });
        nodes[node].children.set(token, child);
      }
      node = child;
      nodes[node].sum += advantages_N[sample];
      nodes[node].count++;
    }
  });
  return nodes;
}

/**
 * TEMPO token advantages — Tran, Yao & Yu 2025, "Exploiting Tree Structure for Credit Assignment in RL
 * Training of LLMs", arXiv:2509.18314. The group's responses form a prefix tree; V(s) is the mean GRPO
 * advantage of the responses through prefix s. For token t of response i, with s_{<t} the prefix before
 * it and s_{≤t} the prefix including it:
 *   A_{i,t} = Â_i^GRPO + λ · 𝟙[s_{<t} branches] · (V(s_{≤t}) − V(s_{<t}))
 * (branch-gated TD correction; without branching TEMPO is GRPO). λ = option tdWeight (default 1).
 * tokens_G_N_T[g][i] are the response token ids of sample i of group g; returns advantages_G_N_T.
 */
export function tempoAdvantages(
  tokens_G_N_T: number[][][],
  rewards_G_N: number[][],
  options: { epsilon?: number; tdWeight?: number } = {},
): number[][][] {
  assertMatrix("rewards", rewards_G_N);
  if (!Array.isArray(tokens_G_N_T) || tokens_G_N_T.length !== rewards_G_N.length) {
    throw new Error(`tokens must have one group per rewards group (${rewards_G_N.length})`);
  }
  const record = options as Record<string, unknown>;
  const tdWeight = numberOption(record, "tdWeight", 1);
  const epsilon = numberOption(record, "epsilon", DEFAULT_EPSILON, 0);
  return tokens_G_N_T.map((tokens_N_T, group) => {
    assertMatrix(`tokens[${group}]`, tokens_N_T);
    if (tokens_N_T.length !== rewards_G_N[group].length) {
      throw new Error(
        `tokens[${group}] has ${tokens_N_T.length} samples but rewards[${group}] has ${rewards_G_N[group].length}`,
      );
    }
    const [advantages_N] = grpoAdvantages([rewards_G_N[group]], { estimator: "grpo", epsilon });
    const nodes = buildPrefixTree(tokens_N_T, advantages_N);
    const value = (node: number) => nodes[node].sum / nodes[node].count;
    return tokens_N_T.map((tokens_T, sample) => {
      let node = 0;
      return tokens_T.map((token) => {
        const parent = node;
        node = nodes[parent].children.get(token)!;
        const branches = nodes[parent].children.size > 1;
        return advantages_N[sample] + (branches ? tdWeight * (value(node) - value(parent)) : 0);
      });
    });
  });
}
